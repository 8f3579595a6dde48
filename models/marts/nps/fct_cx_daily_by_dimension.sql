{#- Incremental as fct_nps_daily: a run recomputes only the response dates touched since its
    last run and replaces those dates whole (on Spark, their partitions). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nps_incremental_strategy('nps_replace_dates'),
    partition_by=nps_partition_by('response_date'),
    on_schema_change='fail',
    pre_hook="{{ nps_remember_touched_dates() }}",
    post_hook="{{ nps_drop_dates_without_rows(ref('fct_nps_responses')) }}",
) }}

with

responses as (

    select * from {{ ref('fct_nps_responses') }}
    {% if is_incremental() -%}
    where {{ nps_in_touched_response_dates('response_date', this) }}
    {%- endif %}

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
-- depends_on: {{ ref('int_nps_responses_enriched') }}
