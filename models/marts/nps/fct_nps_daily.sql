-- depends_on: {{ ref('int_nps_responses_enriched') }}
{#- Incremental: a run recomputes only the response dates touched since its last run (see
    nps_touched_response_dates) and replaces those dates whole, so a date whose responses all
    moved to another date disappears, exactly as in a full rebuild. On Spark the table is
    partitioned by response_date: the touched dates whose cells changed are overwritten (see
    nps_only_changed_dates) and the post-hook drops those left without responses. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nps_incremental_strategy('nps_replace_dates'),
    partition_by=nps_partition_by('response_date'),
    on_schema_change='fail',
    pre_hook="{{ nps_remember_touched_dates() }}",
    post_hook="{{ nps_drop_dates_without_rows(ref('fct_nps_responses'), 'nps_score is not null') }}",
) }}

with

responses as (

    -- the NPS cube counts the responses that gave an NPS score (some gave only CSAT or CES)
    select * from {{ ref('fct_nps_responses') }}
    where nps_score is not null
    {% if is_incremental() -%}
        and {{ nps_in_touched_response_dates('response_date', this) }}
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
        {{ cx_nps_uncertainty('promoters', 'passives', 'detractors') }},
        loaded_at

    from daily

)

{{ nps_only_changed_dates('final') }}
