with

history as (

    select * from {{ ref('dim_agent_history') }}

),

summarised as (

    select
        agent_id,
        cast(count(*) as bigint) as versions,
        min(valid_from) as first_updated_at

    from history
    group by agent_id

),

final as (

    select
        history.agent_id,
        history.team,
        history.site,
        history.manager_id,
        history.hired_on,
        summarised.versions,
        summarised.first_updated_at,
        history.valid_from as updated_at

    from history
    inner join summarised
        on history.agent_id = summarised.agent_id
    where history.is_current

)

select * from final
