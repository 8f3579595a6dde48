{#- A table: the point-in-time joins of fct_cx_responses and the agent dimensions read it. -#}
{{ config(materialized='table') }}

{%- set attributes = [
    'agent_name',
    'team',
    'site',
    'manager_id',
    'hired_on',
] %}

with

ranked as (

    select * from {{ ref('int_agent_rows_ranked') }}

),

latest_rows as (

    select * from ranked
    where is_latest_row

),

flagged as (

    select
        *,
        {{ cx_starts_version('agent_id', 'updated_at', attributes) }} as starts_version

    from latest_rows

),

numbered as (

    select
        *,
        cast(sum(starts_version) over (
            partition by agent_id
            order by updated_at
            rows between unbounded preceding and current row
        ) as integer) as version_number

    from flagged

),

-- the rows of a version share its attributes; the version starts at its first row
versions as (

    select
        agent_id,
        version_number,
        cast(count(*) as bigint) as rows_merged,
        max(agent_name) as agent_name,
        max(team) as team,
        max(site) as site,
        max(manager_id) as manager_id,
        max(hired_on) as hired_on,
        min(updated_at) as valid_from

    from numbered
    group by agent_id, version_number

),

final as (

    select
        *,
        lead(valid_from) over (partition by agent_id order by valid_from) as valid_to,
        lead(valid_from) over (partition by agent_id order by valid_from) is null as is_current

    from versions

)

select * from final
