{#- Incremental: a run re-derives only the responses with a submission loaded since the last run
    (plus those of the last var nps_reprocess_days days), from every valid submission staging
    holds for them, and replaces them by response_key. The result is the same as a full
    rebuild: a response's winner depends only on its own submissions. Each import CTE reads its
    relation once: DuckDB materialises a CTE read twice, which here would copy every staged
    submission on every incremental build (candidates, read three times, is materialised on
    purpose: the masking runs once). On Spark, which cannot delete rows from a Parquet
    table, the table is partitioned by response_date and a run rewrites whole the dates it
    touches whose rows changed (see nps_incremental_strategy, nps_responses_to_write and
    nps_only_changed_dates). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nps_incremental_strategy('delete+insert'),
    unique_key='response_key',
    partition_by=nps_partition_by('response_date'),
    on_schema_change='fail',
    pre_hook="{{ nps_remember_touched_dates() }}",
    post_hook="{{ nps_drop_dates_of_moved_responses() }}",
) }}

with

submissions as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

{% if is_incremental() %}

new_submissions as (

    select response_key from {{ ref('int_nps_responses_enriched') }}
    where loaded_at > {{ nps_processed_watermark(this) }}

),

recent_responses as (

    select response_key from {{ this }}
    where response_date > {{ nps_reprocess_window_start(this) }}

),

changed_responses as (

    select response_key from new_submissions
    union
    select response_key from recent_responses

),

{% endif %}

candidates as (

    select submissions.*
    from submissions
    {% if is_incremental() -%}
    -- a join, not "in (select ...)": DuckDB then builds its hash table on the few changed
    -- keys instead of on every staged submission
    inner join changed_responses
        on submissions.response_key = changed_responses.response_key
    {%- endif %}

),

-- most responses are submitted once: only those submitted more than once are ranked, so the
-- window sorts a few rows instead of every submission (a fifth of the model's time on 10M)
repeated_responses as (

    select response_key
    from candidates
    group by response_key
    having count(*) > 1

),

latest as (

    select
        candidates.*,
        1 as recency_rank

    from candidates
    left join repeated_responses
        on candidates.response_key = repeated_responses.response_key
    where repeated_responses.response_key is null

    union all

    select
        candidates.*,
        row_number() over (
            partition by candidates.response_key
            order by
                candidates.submitted_at desc,
                candidates.source_file desc,
                candidates.source_row_number desc
        ) as recency_rank

    from candidates
    inner join repeated_responses
        on candidates.response_key = repeated_responses.response_key

),

final as (

    select
        response_id,
        survey_id,
        customer_id,
        agent_id,
        interaction_id,
        invitation_id,
        channel,
        region,
        segment,
        survey_type,
        touchpoint,
        brand,
        business_unit,
        language,  -- noqa: RF04
        nps_score,
        nps_category,
        csat_score,
        csat_category,
        ces_score,
        ces_category,
        comment,
        response_date,
        submitted_at,
        feed_name,
        source_file,
        source_row_number,
        response_key,
        loaded_at

    from latest
    where recency_rank = 1

),

to_write as (

    {{ nps_responses_to_write('final', 'changed_responses') }}

)

{{ nps_only_changed_dates('to_write') }}
