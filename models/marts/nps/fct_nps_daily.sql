-- depends_on: {{ ref('int_nps_responses_enriched') }}
{#- Incremental: a run recomputes only the response dates touched since its last run (see
    nps_touched_response_dates) and replaces those dates whole, so a date whose responses all
    moved to another date disappears, exactly as in a full rebuild. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='nps_replace_dates',
    on_schema_change='fail',
) }}

with

responses as (

    select * from {{ ref('fct_nps_responses') }}
    {% if is_incremental() -%}
    where response_date in ({{ nps_touched_response_dates(this) }})
    {%- endif %}

),

daily as (

    select
        response_date,
        channel,
        region,
        segment,
        {{ nps_counts('nps_category') }},
        max(loaded_at) as loaded_at

    from responses
    group by response_date, channel, region, segment

),

final as (

    select
        response_date,
        channel,
        region,
        segment,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_from_counts('promoters', 'detractors', 'responses') }} as nps,
        loaded_at

    from daily

)

select * from final
