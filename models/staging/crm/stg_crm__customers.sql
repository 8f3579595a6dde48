{#- Incremental and append-only, as the responses' staging: each build parses only the loads it
    does not hold yet. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set feeds = nps_landing_feed_settings() %}

with

source as (

    select * from {{ source('crm', 'raw_customers') }}
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
        nullif({{ trim_whitespace('customer_id') }}, '') as customer_id,
        nullif({{ trim_whitespace('updated_at') }}, '') as updated_at_text,
        nullif({{ trim_whitespace('birth_date') }}, '') as birth_date_text,
        nullif({{ trim_whitespace('loyalty_tier') }}, '') as loyalty_tier_text,
        nullif({{ trim_whitespace('country_code') }}, '') as country_code_text,
        nullif({{ trim_whitespace('region') }}, '') as region_text,
        nullif({{ trim_whitespace('city') }}, '') as city_text,
        nullif({{ trim_whitespace('postal_code') }}, '') as postal_code_text,
        nullif({{ trim_whitespace('customer_since') }}, '') as customer_since_text,
        nullif({{ trim_whitespace('email') }}, '') as email_text,
        nullif({{ trim_whitespace('phone') }}, '') as phone_text

    from source

),

-- the extract time in ISO-8601, whatever format the row's feed writes it in
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
        {{ parse_iso_date('birth_date_text') }} as birth_date,
        {{ parse_iso_date('customer_since_text') }} as customer_since

    from measured

),

validated as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        {{ cast_to_text('customer_id') }} as customer_id,
        {{ cast_to_text('lower(loyalty_tier_text)') }} as loyalty_tier,
        {{ cast_to_text('upper(country_code_text)') }} as country_code,
        {{ cast_to_text('upper(region_text)') }} as region,
        {{ cast_to_text('city_text') }} as city,
        {{ cast_to_text('postal_code_text') }} as postal_code,
        {{ cast_to_text('email_text') }} as email,
        {{ cast_to_text('phone_text') }} as phone,
        birth_date,
        customer_since,
        cast(case
            when customer_id is null then {{ nps_literal('source_reason', 'missing_customer_id') }}
            when updated_at is null then {{ nps_literal('source_reason', 'invalid_updated_at') }}
        end as {{ text_type() }}) as rejection_reason,
        {{ cx_attribute_issues_list({
            'invalid_birth_date': ('birth_date_text', 'birth_date'),
            'invalid_customer_since': ('customer_since_text', 'customer_since'),
        }) }} as attribute_issues,
        updated_at,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        {{ nps_load_timestamp() }} as loaded_at

    from parsed

)

select * from validated
