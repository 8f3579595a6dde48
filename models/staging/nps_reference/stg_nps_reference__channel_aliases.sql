with

aliases as (

    select * from {{ ref('nps_channel_aliases') }}

),

keyed as (

    select distinct
        {{ nps_channel_key('alias') }} as alias_key,
        channel

    from aliases

)

select * from keyed
