{#- A table rebuilt by every build, as fct_cx_responses: the attributes of a response at its
    time (tier, team, ...) can change when a later extract arrives, whatever its date. -#}
with

responses as (

    select * from {{ ref('fct_cx_responses') }}

),

keyed as (

    select
        response_date,
        {{ cx_dimension_columns() }},
        nps_category,
        csat_score,
        ces_score,
        loaded_at

    from responses

),

grouped as (

    select
        response_date,
        {{ cx_dimension_name_and_value() }},
        {{ cx_measures() }},
        max(loaded_at) as loaded_at

    from keyed
    -- sqlfluff's DuckDB dialect does not parse grouping sets (DuckDB, PostgreSQL and Spark do)
    group by {{ cx_dimension_grouping_sets() }}  -- noqa: PRS

),

final as (

    select
        response_date,
        dimension_name,
        dimension_value,
        {{ cx_scores() }},
        loaded_at

    from grouped

)

select * from final
