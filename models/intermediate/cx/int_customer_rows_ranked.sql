{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. Incremental: a run ranks
    again every row of each customer_id with a row staged since its last run (the latest
    loaded_at it holds), and replaces that customer_id's rows; the others keep theirs, as a new
    row changes only the ranking of its own customer_id. The same rows as a full rebuild. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='fail',
) }}

with

staged as (

    select * from {{ ref('stg_crm__customers') }}

),

{% if is_incremental() %}

{{ cx_changed_keys('stg_crm__customers', 'customer_id') }},

{% endif %}

valid as (

    select staged.*
    from staged
    {% if is_incremental() -%}
    inner join changed_keys
        on staged.customer_id = changed_keys.customer_id
    {% endif -%}
    where staged.rejection_reason is null

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
