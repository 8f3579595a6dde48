{#- Incremental and append-only, as the responses' staging. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('workforce', 'raw_agent_engagement') }}
    {% if is_incremental() -%}
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
        agent_id as raw_agent_id,
        surveyed_at as raw_surveyed_at,
        enps_score as raw_enps_score,
        nullif({{ trim_whitespace('agent_id') }}, '') as agent_id,
        nullif({{ trim_whitespace('surveyed_at') }}, '') as surveyed_at_text,
        nullif({{ trim_whitespace('enps_score') }}, '') as enps_score_text

    from source

),

normalised as (

    select
        *,
        {{ nps_timestamp_text_by_feed('surveyed_at_text', 'feed_name', feeds) }} as surveyed_at_iso

    from trimmed

),

measured as (

    select
        *,
        {{ nps_iso8601_offset_length('surveyed_at_iso') }} as surveyed_at_offset_length

    from normalised

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('surveyed_at_iso', 'source_timezone', 'surveyed_at_offset_length') }} as surveyed_at,
        {{ nps_score_by_feed('enps_score_text', 'feed_name', feeds, 'enps_score') }} as enps_score

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('agent_id') }} as agent_id,
        enps_score,
        cast({{ nps_category('enps_score') }} as {{ text_type() }}) as enps_category,
        cast(case
            when agent_id is null then {{ nps_literal('source_reason', 'missing_agent_id') }}
            when surveyed_at is null then {{ nps_literal('source_reason', 'invalid_surveyed_at') }}
            when enps_score_text is null then {{ nps_literal('source_reason', 'missing_enps_score') }}
            when enps_score is null then {{ nps_literal('source_reason', 'invalid_enps_score') }}
        end as {{ text_type() }}) as rejection_reason,
        cast(null as {{ text_type() }}) as attribute_issues,
        surveyed_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        raw_agent_id,
        raw_surveyed_at,
        raw_enps_score,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
