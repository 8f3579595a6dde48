{#- Incremental and append-only, as the responses' staging. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('workforce', 'raw_agents') }}
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
        updated_at as raw_updated_at,
        agent_name as raw_agent_name,
        team as raw_team,
        site as raw_site,
        manager_id as raw_manager_id,
        hired_on as raw_hired_on,
        nullif({{ trim_whitespace('agent_id') }}, '') as agent_id,
        nullif({{ trim_whitespace('updated_at') }}, '') as updated_at_text,
        nullif({{ trim_whitespace('agent_name') }}, '') as agent_name_text,
        nullif({{ trim_whitespace('team') }}, '') as team_text,
        nullif({{ trim_whitespace('site') }}, '') as site_text,
        nullif({{ trim_whitespace('manager_id') }}, '') as manager_id_text,
        nullif({{ trim_whitespace('hired_on') }}, '') as hired_on_text

    from source

),

normalised as (

    select
        *,
        {{ nps_timestamp_text_by_feed('updated_at_text', 'feed_name', feeds) }} as updated_at_iso

    from trimmed

),

measured as (

    select
        *,
        {{ nps_iso8601_offset_length('updated_at_iso') }} as updated_at_offset_length

    from normalised

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('updated_at_iso', 'source_timezone', 'updated_at_offset_length') }} as updated_at,
        {{ parse_iso_date('hired_on_text') }} as hired_on

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('agent_id') }} as agent_id,
        {{ cast_to_text('agent_name_text') }} as agent_name,
        {{ cast_to_text('lower(team_text)') }} as team,
        {{ cast_to_text('lower(site_text)') }} as site,
        {{ cast_to_text('manager_id_text') }} as manager_id,
        hired_on,
        cast(case
            when agent_id is null then {{ nps_literal('source_reason', 'missing_agent_id') }}
            when updated_at is null then {{ nps_literal('source_reason', 'invalid_updated_at') }}
        end as {{ text_type() }}) as rejection_reason,
        {{ cx_attribute_issues_list({'invalid_hired_on': ('hired_on_text', 'hired_on')}) }} as attribute_issues,
        updated_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        raw_agent_id,
        raw_updated_at,
        raw_agent_name,
        raw_team,
        raw_site,
        raw_manager_id,
        raw_hired_on,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
