with

bands as (

    select * from {{ ref('nps_bands') }}

),

typed as (

    select
        {{ cast_to_text('lower(' ~ trim_whitespace('band_type') ~ ')') }} as band_type,
        {{ cast_to_text(trim_whitespace('band')) }} as band,
        cast(lower_bound as bigint) as lower_bound,
        cast(upper_bound as bigint) as upper_bound,
        cast(sort_order as integer) as sort_order

    from bands

)

select * from typed
