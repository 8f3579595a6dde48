with

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

daily as (

    select
        response_date,
        channel,
        region,
        segment,
        {{ nps_counts('nps_category') }}

    from responses
    group by response_date, channel, region, segment

),

final as (

    select
        *,
        {{ nps_from_counts('promoters', 'detractors', 'responses') }} as nps

    from daily

)

select * from final
