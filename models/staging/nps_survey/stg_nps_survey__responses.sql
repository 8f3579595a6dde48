{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

source as (

    select * from {{ source('nps_survey', 'raw_responses') }}
    {% if is_incremental() -%}
    {%- set loaded = nps_loaded_landing_files() -%}
    {%- if loaded %}
    -- Only the landing files this table does not hold yet: the filter is on a constant of each
    -- file's scan, so the files already loaded are never opened.
    where source_file not in (
        {%- for file in loaded | sort %}
        '{{ file | replace("'", "''") }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )
    {%- endif %}
    {%- endif %}

),

trimmed as (

    select
        source_file,
        source_file_bytes,
        source_row_number,
        response_id as raw_response_id,
        survey_id as raw_survey_id,
        customer_id as raw_customer_id,
        submitted_at as raw_submitted_at,
        channel as raw_channel,
        region as raw_region,
        segment as raw_segment,
        agent_id as raw_agent_id,
        score as raw_score,
        comment as raw_comment,
        nullif({{ trim_whitespace('response_id') }}, '') as response_id,
        nullif({{ trim_whitespace('survey_id') }}, '') as survey_id,
        nullif({{ trim_whitespace('customer_id') }}, '') as customer_id,
        nullif({{ trim_whitespace('agent_id') }}, '') as agent_id,
        nullif({{ trim_whitespace('submitted_at') }}, '') as submitted_at_text,
        nullif({{ trim_whitespace('score') }}, '') as score_text,
        nullif({{ trim_whitespace('channel') }}, '') as channel_text,
        nullif({{ trim_whitespace('region') }}, '') as region_text,
        nullif({{ trim_whitespace('segment') }}, '') as segment_text

    from source

),

parsed as (

    select
        *,
        {{ parse_iso8601_utc('submitted_at_text') }} as submitted_at,
        {{ parse_nps_score('score_text') }} as nps_score

    from trimmed

),

validated as (

    select
        source_file,
        source_row_number,
        {{ cast_to_text('response_id') }} as response_id,
        {{ nps_hash_key('response_id') }} as response_key,
        {{ cast_to_text('survey_id') }} as survey_id,
        {{ cast_to_text('customer_id') }} as customer_id,
        {{ cast_to_text('agent_id') }} as agent_id,
        {{ cast_to_text('channel_text') }} as channel_raw_trimmed,
        {{ cast_to_text(nps_channel_key('channel_text')) }} as channel_key,
        {{ cast_to_text("coalesce(upper(region_text), " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as region,
        {{ cast_to_text("coalesce(lower(segment_text), " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as segment,
        nps_score,
        {{ cast_to_text(nps_category('nps_score')) }} as nps_category,
        cast(case
            when response_id is null then {{ nps_literal('reason', 'missing_response_id') }}
            when submitted_at is null then {{ nps_literal('reason', 'invalid_submitted_at') }}
            when score_text is null then {{ nps_literal('reason', 'missing_score') }}
            when nps_score is null then {{ nps_literal('reason', 'invalid_score') }}
        end as {{ text_type() }}) as rejection_reason,
        submitted_at,
        raw_response_id,
        raw_survey_id,
        raw_customer_id,
        raw_submitted_at,
        raw_channel,
        raw_region,
        raw_segment,
        raw_agent_id,
        raw_score,
        raw_comment,
        source_file_bytes,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
