{#- Incremental and append-only, as the responses' staging. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('crm', 'raw_case_events') }}
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
        response_id as raw_response_id,
        event_type as raw_event_type,
        event_at as raw_event_at,
        owner as raw_owner,
        note as raw_note,
        nullif({{ trim_whitespace('response_id') }}, '') as response_id,
        lower(nullif({{ trim_whitespace('event_type') }}, '')) as event_type_text,
        nullif({{ trim_whitespace('event_at') }}, '') as event_at_text,
        nullif({{ trim_whitespace('owner') }}, '') as owner_text

    from source

),

normalised as (

    select
        *,
        {{ nps_timestamp_text_by_feed('event_at_text', 'feed_name', feeds) }} as event_at_iso

    from trimmed

),

measured as (

    select
        *,
        {{ nps_iso8601_offset_length('event_at_iso') }} as event_at_offset_length

    from normalised

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('event_at_iso', 'source_timezone', 'event_at_offset_length') }} as event_at

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('response_id') }} as response_id,
        cast(case
            when event_type_text in ({{ nps_literal_list(cx_case_event_types()) }}) then event_type_text
        end as {{ text_type() }}) as event_type,
        {{ cast_to_text('owner_text') }} as owner,  -- noqa: RF04
        cast(case
            when response_id is null then {{ nps_literal('source_reason', 'missing_response_id') }}
            when
                event_type_text is null or event_type_text not in ({{ nps_literal_list(cx_case_event_types()) }})
                then {{ nps_literal('source_reason', 'invalid_event_type') }}
            when event_at is null then {{ nps_literal('source_reason', 'invalid_event_at') }}
        end as {{ text_type() }}) as rejection_reason,
        cast(null as {{ text_type() }}) as attribute_issues,
        event_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        raw_response_id,
        raw_event_type,
        raw_event_at,
        raw_owner,
        raw_note,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
