with

channels as (

    select * from {{ ref('nps_channels') }}

),

final as (

    select
        channel,
        channel_name,
        sort_order

    from channels

)

select * from final
