with

reference as (

    select * from {{ ref('nps_segments') }}

),

daily as (

    select * from {{ ref('fct_nps_daily') }}

),

observed as (

    select distinct segment
    from daily

),

all_segments as (

    select segment from reference
    union
    select segment from observed

),

final as (

    select
        all_segments.segment,
        coalesce(reference.segment_name, all_segments.segment) as segment_name,
        reference.segment is not null as is_reference_segment

    from all_segments
    left join reference
        on all_segments.segment = reference.segment

)

select * from final
