{#- Incremental: a run re-derives only the responses with a submission loaded since the last run
    (plus those of the last var nps_reprocess_days days), from every valid submission staging
    holds for them, and replaces them by response_key. The result is the same as a full
    rebuild: a response's winner depends only on its own submissions. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='response_key',
    on_schema_change='fail',
) }}

with

submissions as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

{% if is_incremental() %}

changed_responses as (

    select response_key from submissions
    where loaded_at > {{ nps_processed_watermark(this) }}

    union

    select response_key from {{ this }}
    where response_date > (
        select {{ dbt.dateadd('day', -1 * nps_reprocess_days(), 'max(response_date)') }}
        from {{ this }}
    )

),

{% endif %}

candidates as (

    select * from submissions
    {% if is_incremental() -%}
    where response_key in (select response_key from changed_responses)
    {%- endif %}

),

latest as (

    select
        *,
        row_number() over (
            partition by response_key
            order by submitted_at desc, source_file desc, source_row_number desc
        ) as recency_rank

    from candidates

),

final as (

    select
        response_id,
        survey_id,
        customer_id,
        agent_id,
        channel,
        region,
        segment,
        nps_score,
        nps_category,
        comment,
        response_date,
        submitted_at,
        source_file,
        source_row_number,
        response_key,
        loaded_at

    from latest
    where recency_rank = 1

)

select * from final
