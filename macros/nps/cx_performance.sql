{#- The measures of the performance marts (fct_agent_performance, fct_team_performance,
    fct_site_performance; README, "Agents and teams") beside the NPS: CSAT and CES, first-contact
    resolution, the wait of the contact the response follows, and the follow-up cases the
    responses opened with their SLA attainment. Each score is recomputed from
    additive counts and sums, so a team's row is its agents' rows summed. -#}

{#- The additive measures of a group of responses carrying first_contact_resolution (yes, no,
    unknown), the wait_seconds of their interaction (null without one, or without a valid
    wait), is_case (1 for a follow-up case) and its is_sla_met: the responses whose contact's
    resolution is known and those resolved, the responses with a wait and the sum of their waits,
    the cases, those whose SLA is decided (is_sla_met not null) and those that met it (bigint). -#}
{% macro cx_operational_measures() -%}
    cast(sum(case when first_contact_resolution in (
        {{ nps_literal('resolution', 'yes') }}, {{ nps_literal('resolution', 'no') }}
    ) then 1 else 0 end) as bigint) as fcr_responses,
    cast(sum(case when first_contact_resolution = {{ nps_literal('resolution', 'yes') }} then 1 else 0 end) as bigint) as fcr_resolved,
    cast(count(wait_seconds) as bigint) as wait_responses,
    cast(coalesce(sum(wait_seconds), 0) as bigint) as wait_seconds_sum,
    cast(sum(is_case) as bigint) as cases,
    cast(count(is_sla_met) as bigint) as cases_sla_due,
    cast(sum(case when is_sla_met then 1 else 0 end) as bigint) as cases_sla_met
{%- endmacro %}

{#- The additive columns of a performance mart, which sum over agents (to a team or a site) and
    months. -#}
{% macro cx_performance_additive_measures() -%}
    {{ return([
        'responses', 'nps_responses', 'promoters', 'passives', 'detractors',
        'csat_responses', 'csat_satisfied', 'csat_score_sum',
        'ces_responses', 'ces_easy', 'ces_score_sum',
        'fcr_responses', 'fcr_resolved', 'wait_responses', 'wait_seconds_sum',
        'cases', 'cases_sla_due', 'cases_sla_met',
    ]) }}
{%- endmacro %}

{#- The select list of the measures after the NPS block, in the marts' order: CSAT (responses,
    satisfied, sum, csat_pct, csat_mean), CES (responses, easy, sum, ces_easy_pct, ces_mean),
    first-contact resolution (fcr_responses, fcr_resolved, fcr_rate in percent) and the wait
    (wait_responses, wait_seconds_sum, wait_seconds_mean) and the follow-up cases (cases,
    cases_sla_due, cases_sla_met, sla_met_pct); each score rounded half away from zero
    to two decimals from exact integers (cx_rounded_ratio), null without its responses. -#}
{% macro cx_performance_scores() -%}
    csat_responses,
    csat_satisfied,
    csat_score_sum,
    {{ cx_rounded_ratio('csat_satisfied', 'csat_responses', 100) }} as csat_pct,
    {{ cx_rounded_ratio('csat_score_sum', 'csat_responses', 1) }} as csat_mean,
    ces_responses,
    ces_easy,
    ces_score_sum,
    {{ cx_rounded_ratio('ces_easy', 'ces_responses', 100) }} as ces_easy_pct,
    {{ cx_rounded_ratio('ces_score_sum', 'ces_responses', 1) }} as ces_mean,
    fcr_responses,
    fcr_resolved,
    {{ cx_rounded_ratio('fcr_resolved', 'fcr_responses', 100) }} as fcr_rate,
    wait_responses,
    wait_seconds_sum,
    {{ cx_rounded_ratio('wait_seconds_sum', 'wait_responses', 1, 12) }} as wait_seconds_mean,
    cases,
    cases_sla_due,
    cases_sla_met,
    {{ cx_rounded_ratio('cases_sla_met', 'cases_sla_due', 100) }} as sla_met_pct
{%- endmacro %}

{#- The columns cx_performance_scores writes, in order. -#}
{% macro cx_performance_score_columns() -%}
    {{ return([
        'csat_responses', 'csat_satisfied', 'csat_score_sum', 'csat_pct', 'csat_mean',
        'ces_responses', 'ces_easy', 'ces_score_sum', 'ces_easy_pct', 'ces_mean',
        'fcr_responses', 'fcr_resolved', 'fcr_rate',
        'wait_responses', 'wait_seconds_sum', 'wait_seconds_mean',
        'cases', 'cases_sla_due', 'cases_sla_met', 'sla_met_pct',
    ]) }}
{%- endmacro %}

{#- The CTEs of fct_team_performance and fct_site_performance after their import CTE
    `agent_months` (fct_agent_performance), ending with `final`: the agents' rows of each month
    and `level` (team or site) summed, the NPS and its uncertainty recomputed (minimum
    cx_min_responses, as the cube's team and site cells), the NPS of every response with an agent
    that month (all_agents_nps), the NPS shrunk toward it, and the rank among the month's rows
    with enough responses (`rank_column`, out of `ranked_column`). -#}
{% macro cx_group_performance(level, rank_column, ranked_column) -%}
    {%- set grain = ['month_start_date', level] -%}
    {%- set additive = cx_performance_additive_measures() -%}
aggregated as (

    select
        {{ grain | join(', ') }},
        cast(count(distinct agent_id) as bigint) as agents,
        {%- for measure in additive %}
        cast(sum({{ measure }}) as bigint) as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}

    from agent_months
    group by {{ grain | join(', ') }}

),

-- every response with an agent that month: what a {{ level }}'s NPS is shrunk toward
with_month as (

    select
        *,
        sum(promoters) over (partition by month_start_date) as month_promoters,
        sum(detractors) over (partition by month_start_date) as month_detractors,
        sum(nps_responses) over (partition by month_start_date) as month_nps_responses

    from aggregated

),

scored as (

    select
        {{ grain | join(', ') }},
        agents,
        responses,
        nps_responses,
        promoters,
        passives,
        detractors,
        {{ nps_from_counts('promoters', 'detractors', 'nps_responses') }} as nps,
        {{ cx_nps_uncertainty('promoters', 'passives', 'detractors') }},
        {{ nps_from_counts('month_promoters', 'month_detractors', 'month_nps_responses') }} as all_agents_nps,
        {{ cx_shrunk_nps(
            'promoters', 'detractors', 'nps_responses',
            'month_promoters', 'month_detractors', 'month_nps_responses',
        ) }} as nps_shrunk,
        {{ cx_performance_scores() }}

    from with_month

),

ranked as (

    select
        *,
        {{ cx_rank_when_enough('nps_shrunk', 'is_below_min_responses', ['month_start_date']) }} as {{ rank_column }},
        {{ cx_ranked_count('is_below_min_responses', ['month_start_date']) }} as {{ ranked_column }}

    from scored

),

final as (

    select
        {{ grain | join(', ') }},
        agents,
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
        all_agents_nps,
        nps_shrunk,
        {{ rank_column }},
        {{ ranked_column }},
        {{ cx_performance_score_columns() | join(',\n        ') }}

    from ranked

)
{%- endmacro %}
