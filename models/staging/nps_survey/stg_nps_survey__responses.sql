{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{#- The parse settings of each feed (timestamp formats, decimal mark), from the load log. -#}
{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('nps_survey', 'raw_responses') }}
    {% if is_incremental() -%}
    -- Only the loads this table does not hold yet: load ids grow with every file loaded, and a
    -- literal lets the scan skip the row groups of older loads.
    where load_id > {{ nps_staged_load_watermark(this) }}
    {%- endif %}

),

trimmed as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        coalesce(source_timezone, 'UTC') as source_timezone,
        -- The raw values stay in the raw table alone (stg_nps_survey__raw_responses shows them to
        -- the audit): copying them here doubled the cost of staging. Only the comment is carried,
        -- as read, for the masking.
        comment as raw_comment,
        nullif({{ trim_whitespace('response_id') }}, '') as response_id,
        nullif({{ trim_whitespace('survey_id') }}, '') as survey_id,
        nullif({{ trim_whitespace('customer_id') }}, '') as customer_id,
        nullif({{ trim_whitespace('agent_id') }}, '') as agent_id,
        nullif({{ trim_whitespace('submitted_at') }}, '') as submitted_at_text,
        nullif({{ trim_whitespace('score') }}, '') as score_text,
        nullif({{ trim_whitespace('channel') }}, '') as channel_text,
        nullif({{ trim_whitespace('region') }}, '') as region_text,
        nullif({{ trim_whitespace('segment') }}, '') as segment_text,
        nullif({{ trim_whitespace('language') }}, '') as language_text,
        nullif({{ trim_whitespace('touchpoint') }}, '') as touchpoint_text,
        nullif({{ trim_whitespace('brand') }}, '') as brand_text,
        nullif({{ trim_whitespace('business_unit') }}, '') as business_unit_text,
        nullif({{ trim_whitespace('interaction_id') }}, '') as interaction_id,
        nullif({{ trim_whitespace('invitation_id') }}, '') as invitation_id,
        nullif({{ trim_whitespace('csat_score') }}, '') as csat_score_text,
        nullif({{ trim_whitespace('ces_score') }}, '') as ces_score_text,
        lower({{ trim_whitespace('response_type') }}) as response_type_key,
        lower({{ trim_whitespace('finished') }}) as finished_key

    from source

),

-- the submission time in ISO-8601, whatever format the row's feed writes it in
normalised as (

    select
        *,
        {{ nps_timestamp_text_by_feed('submitted_at_text', 'feed_name', feeds) }} as submitted_at_iso

    from trimmed

),

-- where its offset starts, read once
measured as (

    select
        *,
        {{ nps_iso8601_offset_length('submitted_at_iso') }} as submitted_at_offset_length

    from normalised

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('submitted_at_iso', 'source_timezone', 'submitted_at_offset_length') }} as submitted_at,
        {{ nps_score_by_feed('score_text', 'feed_name', feeds) }} as nps_score,
        {{ nps_score_by_feed('csat_score_text', 'feed_name', feeds, 'csat_score') }} as csat_score,
        {{ nps_score_by_feed('ces_score_text', 'feed_name', feeds, 'ces_score') }} as ces_score

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('response_id') }} as response_id,
        {{ nps_hash_key('response_id') }} as response_key,
        {{ cast_to_text('survey_id') }} as survey_id,
        {{ cast_to_text('customer_id') }} as customer_id,
        {{ cast_to_text('agent_id') }} as agent_id,
        {{ cast_to_text('channel_text') }} as channel_raw_trimmed,
        {{ cast_to_text(nps_channel_key('channel_text')) }} as channel_key,
        {{ cast_to_text("coalesce(upper(region_text), " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as region,
        {{ cast_to_text("coalesce(lower(segment_text), " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as segment,
        {{ cast_to_text('lower(language_text)') }} as language,  -- noqa: RF04
        {{ cast_to_text('lower(touchpoint_text)') }} as touchpoint,
        {{ cast_to_text('lower(brand_text)') }} as brand,
        {{ cast_to_text('lower(business_unit_text)') }} as business_unit,
        {{ cast_to_text('interaction_id') }} as interaction_id,
        {{ cast_to_text('invitation_id') }} as invitation_id,
        nps_score,
        {{ cast_to_text(nps_category('nps_score')) }} as nps_category,
        csat_score,
        {{ cast_to_text(csat_category('csat_score')) }} as csat_category,
        ces_score,
        {{ cast_to_text(ces_category('ces_score')) }} as ces_category,
        cast(case
            when response_type_key in ({{ nps_literal_list(nps_test_response_types()) }})
                then {{ nps_literal('reason', 'test_response') }}
            when finished_key in ({{ nps_literal_list(nps_unfinished_values()) }})
                then {{ nps_literal('reason', 'unfinished_response') }}
            when response_id is null then {{ nps_literal('reason', 'missing_response_id') }}
            when submitted_at is null then {{ nps_literal('reason', 'invalid_submitted_at') }}
            -- a response needs one valid metric of the three; an invalid one beside it is nulled
            when score_text is null and csat_score_text is null and ces_score_text is null
                then {{ nps_literal('reason', 'missing_score') }}
            when nps_score is null and csat_score is null and ces_score is null
                then {{ nps_literal('reason', 'invalid_score') }}
        end as {{ text_type() }}) as rejection_reason,
        -- every metric written but invalid, in contract order: noted whether the row is accepted
        -- (a valid metric beside it) or rejected (invalid_score)
        {{ cx_metric_issues_list({
            'score': ('score_text', 'nps_score'),
            'csat_score': ('csat_score_text', 'csat_score'),
            'ces_score': ('ces_score_text', 'ces_score'),
        }) }} as metric_issues,
        submitted_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        raw_comment,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
