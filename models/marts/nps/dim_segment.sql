with

reference as (

    select * from {{ ref('nps_segments') }}

),

cells as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}

),

-- every value of an accepted response, whatever metrics it carries
observed as (

    select distinct dimension_value as segment
    from cells
    where dimension_name = {{ nps_literal('dimension', 'segment') }}

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
