with

daily as (

    select * from {{ ref('fct_nps_daily') }}

),

rolled_up as (

    {{ nps_roll_up('daily', ['response_date', 'segment']) }}

)

select * from rolled_up
