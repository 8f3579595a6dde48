{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. -#}
{{ config(materialized='table') }}

with

staged as (

    select * from {{ ref('stg_crm__customers') }}

),

valid as (

    select * from staged
    where rejection_reason is null

),

ranked as (

    select
        source_file,
        source_row_number,
        feed_name,
        load_id,
        customer_id,
        loyalty_tier,
        country_code,
        region,
        city,
        postal_code,
        email,
        phone,
        birth_date,
        customer_since,
        -- two rows of one customer at one updated_at: the latest landing file and row wins
        {{ cx_is_latest_row(['customer_id', 'updated_at']) }} as is_latest_row,
        updated_at,
        loaded_at

    from valid

)

select * from ranked
