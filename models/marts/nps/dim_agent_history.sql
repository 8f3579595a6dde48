with

versions as (

    select * from {{ ref('int_agent_versions') }}

),

final as (

    select
        agent_id,
        version_number,
        {{ cast_to_text("coalesce(team, " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as team,
        {{ cast_to_text("coalesce(site, " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as site,
        manager_id,
        hired_on,
        is_current,
        valid_from,
        valid_to

    from versions

)

select * from final
