{#- Incremental and append-only, as the responses' staging. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('nps_survey', 'raw_invitations') }}
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
        nullif({{ trim_whitespace('invitation_id') }}, '') as invitation_id,
        nullif({{ trim_whitespace('sent_at') }}, '') as sent_at_text,
        nullif({{ trim_whitespace('survey_id') }}, '') as survey_id,
        nullif({{ trim_whitespace('customer_id') }}, '') as customer_id,
        nullif({{ trim_whitespace('channel') }}, '') as channel_text,
        nullif({{ trim_whitespace('delivery_status') }}, '') as delivery_status_text

    from source

),

normalised as (

    select
        *,
        {{ nps_timestamp_text_by_feed('sent_at_text', 'feed_name', feeds) }} as sent_at_iso

    from trimmed

),

measured as (

    select
        *,
        {{ nps_iso8601_offset_length('sent_at_iso') }} as sent_at_offset_length

    from normalised

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('sent_at_iso', 'source_timezone', 'sent_at_offset_length') }} as sent_at

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('invitation_id') }} as invitation_id,
        {{ cast_to_text('survey_id') }} as survey_id,
        {{ cast_to_text('customer_id') }} as customer_id,
        {{ cast_to_text('channel_text') }} as channel_raw_trimmed,
        {{ cast_to_text(nps_channel_key('channel_text')) }} as channel_key,
        {{ cast_to_text('lower(delivery_status_text)') }} as delivery_status,
        cast(case
            when invitation_id is null then {{ nps_literal('source_reason', 'missing_invitation_id') }}
            when sent_at is null then {{ nps_literal('source_reason', 'invalid_sent_at') }}
        end as {{ text_type() }}) as rejection_reason,
        cast(null as {{ text_type() }}) as attribute_issues,
        sent_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
