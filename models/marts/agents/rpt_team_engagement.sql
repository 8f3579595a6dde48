{#- A table rebuilt by every build: the team of an answer, as of a response, comes from the
    agents' histories, which a late workforce extract can change. No join: the two sides meet in
    a union and the quarter's correlation is a window over its rows, so that no count passes
    through a join with a possibly empty side (see int_engagement_answers_enriched). -#}

{%- set grain = ['quarter_start_date', 'team'] %}

with

answers as (

    select * from {{ ref('int_engagement_answers_enriched') }}

),

team_months as (

    select * from {{ ref('fct_team_performance') }}

),

-- the employees' answers (each in its agent's team at surveyed_at) and the customers' NPS counts
-- of the team's agents (its months of fct_team_performance), as rows of one relation
facts as (

    select
        cast({{ dbt.date_trunc('quarter', 'surveyed_date') }} as date) as quarter_start_date,
        team,
        1 as enps_responses,
        case when enps_category = {{ nps_literal('category', 'promoter') }} then 1 else 0 end as enps_promoters,
        case when enps_category = {{ nps_literal('category', 'passive') }} then 1 else 0 end as enps_passives,
        case when enps_category = {{ nps_literal('category', 'detractor') }} then 1 else 0 end as enps_detractors,
        cast(0 as bigint) as nps_responses,
        cast(0 as bigint) as promoters,
        cast(0 as bigint) as passives,
        cast(0 as bigint) as detractors

    from answers
    union all
    select
        cast({{ dbt.date_trunc('quarter', 'month_start_date') }} as date) as quarter_start_date,
        team,
        0 as enps_responses,
        0 as enps_promoters,
        0 as enps_passives,
        0 as enps_detractors,
        nps_responses,
        promoters,
        passives,
        detractors

    from team_months

),

counted as (

    select
        {{ grain | join(', ') }},
        cast(sum(enps_responses) as bigint) as enps_responses,
        cast(sum(enps_promoters) as bigint) as enps_promoters,
        cast(sum(enps_passives) as bigint) as enps_passives,
        cast(sum(enps_detractors) as bigint) as enps_detractors,
        cast(sum(nps_responses) as bigint) as nps_responses,
        cast(sum(promoters) as bigint) as promoters,
        cast(sum(passives) as bigint) as passives,
        cast(sum(detractors) as bigint) as detractors

    from facts
    group by {{ grain | join(', ') }}

),

-- the eNPS's uncertainty (the macro names its columns as the NPS's)
employee_scored as (

    select
        {{ grain | join(', ') }},
        enps_responses,
        enps_promoters,
        enps_passives,
        enps_detractors,
        {{ nps_from_counts('enps_promoters', 'enps_detractors', 'enps_responses') }} as enps,
        {{ cx_nps_uncertainty('enps_promoters', 'enps_passives', 'enps_detractors', cx_engagement_min_responses()) }},
        nps_responses,
        promoters,
        passives,
        detractors

    from counted

),

employee_renamed as (

    select
        {{ grain | join(', ') }},
        enps_responses,
        enps_promoters,
        enps_passives,
        enps_detractors,
        enps,
        nps_standard_error as enps_standard_error,
        nps_ci_lower as enps_ci_lower,
        nps_ci_upper as enps_ci_upper,
        is_below_min_responses as is_enps_below_min_responses,
        nps_responses,
        promoters,
        passives,
        detractors

    from employee_scored

),

scored as (

    select
        *,
        {{ nps_from_counts('promoters', 'detractors', 'nps_responses') }} as nps,
        {{ cx_nps_uncertainty('promoters', 'passives', 'detractors') }}

    from employee_renamed

),

-- a team enters the correlation with enough answers on both sides; unknown is no team
flagged as (

    select
        *,
        team <> {{ nps_literal('placeholder', 'unknown') }}
        and not is_enps_below_min_responses
        and not is_below_min_responses as is_in_correlation

    from scored

),

-- the published scores of the teams in the correlation in hundredths of a point (exact
-- integers), null for the others
hundredths as (

    select
        *,
        case when is_in_correlation then cast(enps * 100 as bigint) end as x,
        case when is_in_correlation then cast(nps * 100 as bigint) end as y

    from flagged

),

-- the sums of the quarter's teams in the correlation, on each of its rows
summed as (

    select
        *,
        cast(count(x) over (partition by quarter_start_date) as bigint) as correlated_teams,
        cast(sum(x) over (partition by quarter_start_date) as bigint) as sum_x,
        cast(sum(y) over (partition by quarter_start_date) as bigint) as sum_y,
        cast(sum(x * y) over (partition by quarter_start_date) as bigint) as sum_xy,
        cast(sum(x * x) over (partition by quarter_start_date) as bigint) as sum_xx,
        cast(sum(y * y) over (partition by quarter_start_date) as bigint) as sum_yy

    from hundredths

),

correlated as (

    select
        *,
        {{ cx_pearson_r('correlated_teams', 'sum_x', 'sum_y', 'sum_xy', 'sum_xx', 'sum_yy') }} as correlation_r

    from summed

),

with_interval as (

    select
        *,
        {{ cx_fisher_bound('correlation_r', 'correlated_teams', -1) }} as correlation_lower,
        {{ cx_fisher_bound('correlation_r', 'correlated_teams', 1) }} as correlation_upper

    from correlated

),

final as (

    select
        quarter_start_date,
        team,
        enps_responses,
        enps_promoters,
        enps_passives,
        enps_detractors,
        enps,
        enps_standard_error,
        enps_ci_lower,
        enps_ci_upper,
        is_enps_below_min_responses,
        nps_responses,
        promoters,
        passives,
        detractors,
        nps,
        nps_standard_error,
        nps_ci_lower,
        nps_ci_upper,
        is_below_min_responses,
        is_in_correlation,
        correlated_teams,
        {{ cx_round_double_to('correlation_r', 4, 5) }} as enps_nps_correlation,
        {{ cx_round_double_to('correlation_lower', 4, 5) }} as correlation_ci_lower,
        {{ cx_round_double_to('correlation_upper', 4, 5) }} as correlation_ci_upper

    from with_interval

)

select * from final
