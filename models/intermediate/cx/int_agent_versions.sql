{#- A table: the point-in-time joins of fct_cx_responses and the agent dimensions read it.
    Incremental: a run rebuilds every version of each agent_id whose ranked rows changed since
    its last run (a row loaded later than the latest loaded_at it holds), and replaces that
    agent_id's versions; a new row changes only the history of its own agent_id, so the others
    keep theirs. The same rows as a full rebuild, but changed_at: when a build last changed the
    agent_id's versions, which fct_cx_responses reads to take again only the responses whose
    attributes may have changed. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='agent_id',
    on_schema_change='fail',
) }}

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

{% if is_incremental() %}

{{ cx_changed_keys('int_agent_rows_ranked', 'agent_id') }},

{% endif %}

latest_rows as (

    select ranked.*
    from ranked
    {% if is_incremental() -%}
    inner join changed_keys
        on ranked.agent_id = changed_keys.agent_id
    {% endif -%}
    where ranked.is_latest_row

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
        min(updated_at) as valid_from,
        max(loaded_at) as loaded_at

    from numbered
    group by agent_id, version_number

),

dated as (

    select
        agent_id,
        version_number,
        rows_merged,
        agent_name,
        team,
        site,
        manager_id,
        hired_on,
        valid_from,
        loaded_at,
        lead(valid_from) over (partition by agent_id order by valid_from) as valid_to,
        lead(valid_from) over (partition by agent_id order by valid_from) is null as is_current

    from versions

),

{% if is_incremental() %}

{{ cx_version_changes('agent_id', attributes) }},

{% endif %}

final as (

    select
        dated.*,
        {{ cx_version_changed_at() }} as changed_at

    from dated
    {% if is_incremental() -%}
    left join version_changes
        on dated.agent_id = version_changes.agent_id
    {% endif %}

)

select * from final
