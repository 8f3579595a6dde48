{#- A table rebuilt by every build: the team of an answer, as of a response, comes from the
    agents' histories, which a late workforce extract can change. -#}

{%- set grain = ['quarter_start_date', 'team'] %}
{%- set unknown = nps_literal('placeholder', 'unknown') %}

with

answers as (

    select * from {{ ref('int_engagement_answer_rows_ranked') }}

),

agent_versions as (

    select * from {{ ref('int_agent_versions') }}

),

team_months as (

    select * from {{ ref('fct_team_performance') }}

),

accepted_answers as (

    select * from answers
    where is_latest_row

),

-- the agent's team when answering: the version valid at surveyed_at, or the first one when the
-- answer precedes every version (as a response takes its agent's team)
answers_with_team as (

    select
        cast({{ dbt.date_trunc('quarter', 'accepted_answers.surveyed_date') }} as date) as quarter_start_date,
        coalesce(agent_versions.team, {{ unknown }}) as team,
        accepted_answers.enps_category

    from accepted_answers
    left join agent_versions
        on
            accepted_answers.agent_id = agent_versions.agent_id
            and (accepted_answers.surveyed_at < agent_versions.valid_to or agent_versions.valid_to is null)
            and (accepted_answers.surveyed_at >= agent_versions.valid_from or agent_versions.version_number = 1)

),

employee_counts as (

    select
        {{ grain | join(', ') }},
        {{ nps_counts('enps_category') }}

    from answers_with_team
    group by {{ grain | join(', ') }}

),

-- the customers' NPS answers of the team's agents, its months summed to the quarter
customer_counts as (

    select
        cast({{ dbt.date_trunc('quarter', 'month_start_date') }} as date) as quarter_start_date,
        team,
        cast(sum(nps_responses) as bigint) as nps_responses,
        cast(sum(promoters) as bigint) as promoters,
        cast(sum(passives) as bigint) as passives,
        cast(sum(detractors) as bigint) as detractors

    from team_months
    group by cast({{ dbt.date_trunc('quarter', 'month_start_date') }} as date), team

),

joined as (

    select
        coalesce(employee_counts.quarter_start_date, customer_counts.quarter_start_date) as quarter_start_date,
        coalesce(employee_counts.team, customer_counts.team) as team,
        coalesce(employee_counts.responses, 0) as enps_responses,
        coalesce(employee_counts.promoters, 0) as enps_promoters,
        coalesce(employee_counts.passives, 0) as enps_passives,
        coalesce(employee_counts.detractors, 0) as enps_detractors,
        coalesce(customer_counts.nps_responses, 0) as nps_responses,
        coalesce(customer_counts.promoters, 0) as promoters,
        coalesce(customer_counts.passives, 0) as passives,
        coalesce(customer_counts.detractors, 0) as detractors

    from employee_counts
    full outer join customer_counts
        on
            employee_counts.quarter_start_date = customer_counts.quarter_start_date
            and employee_counts.team = customer_counts.team

),

employee_uncertainty as (

    select
        {{ grain | join(', ') }},
        {{ cx_nps_uncertainty('enps_promoters', 'enps_passives', 'enps_detractors', cx_engagement_min_responses()) }}

    from joined

),

customer_uncertainty as (

    select
        {{ grain | join(', ') }},
        {{ cx_nps_uncertainty('promoters', 'passives', 'detractors') }}

    from joined

),

scored as (

    select
        joined.quarter_start_date,
        joined.team,
        joined.enps_responses,
        joined.enps_promoters,
        joined.enps_passives,
        joined.enps_detractors,
        {{ nps_from_counts('joined.enps_promoters', 'joined.enps_detractors', 'joined.enps_responses') }} as enps,
        employee_uncertainty.nps_standard_error as enps_standard_error,
        employee_uncertainty.nps_ci_lower as enps_ci_lower,
        employee_uncertainty.nps_ci_upper as enps_ci_upper,
        employee_uncertainty.is_below_min_responses as is_enps_below_min_responses,
        joined.nps_responses,
        joined.promoters,
        joined.passives,
        joined.detractors,
        {{ nps_from_counts('joined.promoters', 'joined.detractors', 'joined.nps_responses') }} as nps,
        customer_uncertainty.nps_standard_error,
        customer_uncertainty.nps_ci_lower,
        customer_uncertainty.nps_ci_upper,
        customer_uncertainty.is_below_min_responses,
        -- a team enters the correlation with enough answers on both sides; unknown is no team
        joined.team <> {{ unknown }}
        and not employee_uncertainty.is_below_min_responses
        and not customer_uncertainty.is_below_min_responses as is_in_correlation

    from joined
    inner join employee_uncertainty
        on
            joined.quarter_start_date = employee_uncertainty.quarter_start_date
            and joined.team = employee_uncertainty.team
    inner join customer_uncertainty
        on
            joined.quarter_start_date = customer_uncertainty.quarter_start_date
            and joined.team = customer_uncertainty.team

),

-- the sums of the published scores (in hundredths of a point: exact integers) of the teams in
-- the correlation, per quarter
sums as (

    select
        quarter_start_date,
        cast(count(*) as bigint) as correlated_teams,
        cast(sum(cast(enps * 100 as bigint)) as bigint) as sum_x,
        cast(sum(cast(nps * 100 as bigint)) as bigint) as sum_y,
        cast(sum(cast(enps * 100 as bigint) * cast(nps * 100 as bigint)) as bigint) as sum_xy,
        cast(sum(cast(enps * 100 as bigint) * cast(enps * 100 as bigint)) as bigint) as sum_xx,
        cast(sum(cast(nps * 100 as bigint) * cast(nps * 100 as bigint)) as bigint) as sum_yy

    from scored
    where is_in_correlation
    group by quarter_start_date

),

correlated as (

    select
        quarter_start_date,
        correlated_teams,
        {{ cx_pearson_r('correlated_teams', 'sum_x', 'sum_y', 'sum_xy', 'sum_xx', 'sum_yy') }} as correlation_r

    from sums

),

with_interval as (

    select
        quarter_start_date,
        correlated_teams,
        correlation_r,
        {{ cx_fisher_bound('correlation_r', 'correlated_teams', -1) }} as correlation_lower,
        {{ cx_fisher_bound('correlation_r', 'correlated_teams', 1) }} as correlation_upper

    from correlated

),

final as (

    select
        scored.*,
        coalesce(with_interval.correlated_teams, 0) as correlated_teams,
        {{ cx_round_double_to('with_interval.correlation_r', 4, 5) }} as enps_nps_correlation,
        {{ cx_round_double_to('with_interval.correlation_lower', 4, 5) }} as correlation_ci_lower,
        {{ cx_round_double_to('with_interval.correlation_upper', 4, 5) }} as correlation_ci_upper

    from scored
    left join with_interval
        on scored.quarter_start_date = with_interval.quarter_start_date

)

select * from final
