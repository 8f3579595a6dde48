with

reference as (

    select * from {{ ref('nps_regions') }}

),

cells as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}

),

-- every value of an accepted response, whatever metrics it carries
observed as (

    select distinct dimension_value as region
    from cells
    where dimension_name = {{ nps_literal('dimension', 'region') }}

),

all_regions as (

    select region from reference
    union
    select region from observed

),

final as (

    select
        all_regions.region,
        reference.country_code,
        coalesce(reference.region_name, all_regions.region) as region_name,
        reference.region is not null as is_reference_region

    from all_regions
    left join reference
        on all_regions.region = reference.region

)

select * from final
