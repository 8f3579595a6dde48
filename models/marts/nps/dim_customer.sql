with

history as (

    select * from {{ ref('dim_customer_history') }}

),

summarised as (

    select
        customer_id,
        cast(count(*) as bigint) as versions,
        min(valid_from) as first_updated_at

    from history
    group by customer_id

),

final as (

    select
        history.customer_id,
        history.loyalty_tier,
        history.customer_country,
        history.region,
        history.customer_since,
        summarised.versions,
        summarised.first_updated_at,
        history.valid_from as updated_at

    from history
    inner join summarised
        on history.customer_id = summarised.customer_id
    where history.is_current

)

select * from final
