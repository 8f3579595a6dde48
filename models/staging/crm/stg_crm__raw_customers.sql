{#- The raw values of every customer row, as the loader wrote them: a view, so they are stored
    once (in the raw table), and read only when the audit is (rpt_customer_audit). -#}
with

source as (

    select * from {{ source('crm', 'raw_customers') }}

),

renamed as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        customer_id as raw_customer_id,
        updated_at as raw_updated_at,
        birth_date as raw_birth_date,
        loyalty_tier as raw_loyalty_tier,
        country_code as raw_country_code,
        region as raw_region,
        city as raw_city,
        postal_code as raw_postal_code,
        customer_since as raw_customer_since,
        email as raw_email,
        phone as raw_phone

    from source

)

select * from renamed
