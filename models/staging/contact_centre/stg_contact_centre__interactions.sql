{#- Incremental and append-only, as the responses' staging. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('contact_centre', 'raw_interactions') }}
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
        nullif({{ trim_whitespace('interaction_id') }}, '') as interaction_id,
        nullif({{ trim_whitespace('customer_id') }}, '') as customer_id,
        nullif({{ trim_whitespace('agent_id') }}, '') as agent_id,
        nullif({{ trim_whitespace('channel') }}, '') as channel_text,
        nullif({{ trim_whitespace('started_at') }}, '') as started_at_text,
        nullif({{ trim_whitespace('wait_seconds') }}, '') as wait_seconds_text,
        nullif({{ trim_whitespace('handle_seconds') }}, '') as handle_seconds_text,
        nullif({{ trim_whitespace('transfers') }}, '') as transfers_text,
        nullif({{ trim_whitespace('is_first_contact_resolution') }}, '') as resolution_text

    from source

),

normalised as (

    select
        *,
        {{ nps_timestamp_text_by_feed('started_at_text', 'feed_name', feeds) }} as started_at_iso

    from trimmed

),

measured as (

    select
        *,
        {{ nps_iso8601_offset_length('started_at_iso') }} as started_at_offset_length

    from normalised

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('started_at_iso', 'source_timezone', 'started_at_offset_length') }} as started_at,
        {{ parse_whole_number('wait_seconds_text') }} as wait_seconds,
        {{ parse_whole_number('handle_seconds_text') }} as handle_seconds,
        {{ parse_whole_number('transfers_text') }} as transfers,
        {{ parse_yes_no('resolution_text') }} as is_first_contact_resolution

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('interaction_id') }} as interaction_id,
        {{ cast_to_text('customer_id') }} as customer_id,
        {{ cast_to_text('agent_id') }} as agent_id,
        {{ cast_to_text('channel_text') }} as channel,
        wait_seconds,
        handle_seconds,
        transfers,
        is_first_contact_resolution,
        cast(case
            when interaction_id is null then {{ nps_literal('source_reason', 'missing_interaction_id') }}
        end as {{ text_type() }}) as rejection_reason,
        {{ cx_attribute_issues_list({
            'invalid_started_at': ('started_at_text', 'started_at'),
            'invalid_wait_seconds': ('wait_seconds_text', 'wait_seconds'),
            'invalid_handle_seconds': ('handle_seconds_text', 'handle_seconds'),
            'invalid_transfers': ('transfers_text', 'transfers'),
            'invalid_is_first_contact_resolution': ('resolution_text', 'is_first_contact_resolution'),
        }) }} as attribute_issues,
        started_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
