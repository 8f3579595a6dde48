with

versions as (

    select * from {{ ref('int_customer_versions') }}

),

final as (

    select
        customer_id,
        version_number,
        {{ cast_to_text("coalesce(loyalty_tier, " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as loyalty_tier,
        {{ cast_to_text("coalesce(country_code, " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as customer_country,
        {{ cast_to_text("coalesce(region, " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as region,
        customer_since,
        is_current,
        valid_from,
        valid_to

    from versions

)

select * from final
