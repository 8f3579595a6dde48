{#- A table rebuilt by every build, as fct_cx_responses: an agent's team and site at the time of
    a response can change when a later workforce extract arrives. -#}

{%- set grain = ['month_start_date', 'agent_id', 'team', 'site'] %}
{%- set team = ['month_start_date', 'team'] %}

with

responses as (

    select * from {{ ref('fct_cx_responses') }}

),

interaction_rows as (

    select * from {{ ref('int_interaction_rows_ranked') }}

),

followup_cases as (

    select * from {{ ref('fct_followup_cases') }}

),

interactions as (

    select * from interaction_rows
    where is_latest_row

),

-- the responses an agent handled (a response without agent_id is no agent's)
agent_responses as (

    select
        cast({{ dbt.date_trunc('month', 'response_date') }} as date) as month_start_date,
        agent_id,
        team,
        site,
        response_id,
        interaction_id,
        nps_category,
        csat_score,
        ces_score,
        first_contact_resolution

    from responses
    where agent_id is not null

),

-- the wait of the contact each of them follows
agent_waits as (

    select
        agent_responses.month_start_date,
        agent_responses.agent_id,
        agent_responses.team,
        agent_responses.site,
        interactions.wait_seconds

    from agent_responses
    inner join interactions
        on agent_responses.interaction_id = interactions.interaction_id

),

-- the follow-up case each of them opened (case_id = response_id; a cancelled case is none) and
-- whether its first contact met the SLA (null while it is open and not yet due)
agent_cases as (

    select
        agent_responses.month_start_date,
        agent_responses.agent_id,
        agent_responses.team,
        agent_responses.site,
        followup_cases.is_sla_met

    from agent_responses
    inner join followup_cases
        on agent_responses.response_id = followup_cases.case_id
    where followup_cases.status != {{ nps_literal('case_status', 'cancelled') }}

),

-- the responses, their waits and their cases as rows of one relation, summed below: a union,
-- not a join, so the counts never pass through a join (DuckDB's statistics propagation
-- misjudges the columns of a left join whose other side is empty, such as a warehouse without
-- interactions, and then folds the sign tests of the NPS)
facts as (

    select
        {{ grain | join(', ') }},
        1 as is_response,
        nps_category,
        csat_score,
        ces_score,
        first_contact_resolution,
        cast(null as integer) as wait_seconds,
        0 as is_case,
        cast(null as boolean) as is_sla_met

    from agent_responses
    union all
    select
        {{ grain | join(', ') }},
        0 as is_response,
        cast(null as {{ text_type() }}) as nps_category,
        cast(null as integer) as csat_score,
        cast(null as integer) as ces_score,
        cast(null as {{ text_type() }}) as first_contact_resolution,
        wait_seconds,
        0 as is_case,
        cast(null as boolean) as is_sla_met

    from agent_waits
    union all
    select
        {{ grain | join(', ') }},
        0 as is_response,
        cast(null as {{ text_type() }}) as nps_category,
        cast(null as integer) as csat_score,
        cast(null as integer) as ces_score,
        cast(null as {{ text_type() }}) as first_contact_resolution,
        cast(null as integer) as wait_seconds,
        1 as is_case,
        is_sla_met

    from agent_cases

),

aggregated as (

    select
        {{ grain | join(', ') }},
        {{ cx_measures('sum(is_response)') }},
        {{ cx_operational_measures() }}

    from facts
    group by {{ grain | join(', ') }}

),

-- the NPS counts of the agent's team that month (every agent of it, at response time): what the
-- agent's NPS is shrunk toward
with_team as (

    select
        *,
        sum(promoters) over (partition by {{ team | join(', ') }}) as team_promoters,
        sum(detractors) over (partition by {{ team | join(', ') }}) as team_detractors,
        sum(nps_responses) over (partition by {{ team | join(', ') }}) as team_nps_responses

    from aggregated

),

scored as (

    select
        {{ grain | join(', ') }},
        responses,
        nps_responses,
        promoters,
        passives,
        detractors,
        {{ nps_from_counts('promoters', 'detractors', 'nps_responses') }} as nps,
        {{ cx_nps_uncertainty('promoters', 'passives', 'detractors', cx_agent_min_responses()) }},
        {{ nps_from_counts('team_promoters', 'team_detractors', 'team_nps_responses') }} as team_nps,
        {{ cx_shrunk_nps(
            'promoters', 'detractors', 'nps_responses',
            'team_promoters', 'team_detractors', 'team_nps_responses',
        ) }} as nps_shrunk,
        {{ cx_performance_scores() }}

    from with_team

),

ranked as (

    select
        *,
        {{ cx_rank_when_enough('nps_shrunk', 'is_below_min_responses', team) }} as rank_in_team,
        {{ cx_ranked_count('is_below_min_responses', team) }} as team_ranked_agents

    from scored

),

final as (

    select
        {{ grain | join(', ') }},
        responses,
        nps_responses,
        promoters,
        passives,
        detractors,
        nps,
        nps_standard_error,
        nps_ci_lower,
        nps_ci_upper,
        is_below_min_responses,
        team_nps,
        nps_shrunk,
        rank_in_team,
        team_ranked_agents,
        {{ cx_performance_score_columns() | join(',\n        ') }}

    from ranked

)

select * from final
