{#- A table rebuilt by every build from the daily cube: each period's counts are the sums of its
    days, every score and interval is recomputed from them, and each score is tested against
    the previous period, against the rest of its dimension and against its target. -#}
{%- set min_responses = cx_min_responses() -%}
{%- set scores = {
    'nps': {
        'responses': 'nps_responses',
        'test': 'nps',
        'counts': ['promoters', 'passives', 'detractors'],
    },
    'csat_pct': {
        'responses': 'csat_responses',
        'test': 'share',
        'counts': ['csat_satisfied', 'csat_responses'],
    },
    'ces_mean': {
        'responses': 'ces_responses',
        'test': 'mean',
        'counts': ['ces_score_sum', 'ces_score_sum_squares', 'ces_responses'],
    },
} -%}
{%- set target_columns = [] -%}
{%- for score in scores -%}
    {%- do target_columns.append(score ~ '_target') -%}
    {%- do target_columns.append(
        'cast(' ~ score ~ ' - ' ~ score ~ '_target as numeric(6, 2)) as ' ~ score ~ '_gap_to_target'
    ) -%}
    {%- do target_columns.append(score ~ '_below_target_p_value') -%}
{%- endfor %}

with

daily as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

targets as (

    select * from {{ ref('cx_targets') }}

),

grains as (

    {% for grain in cx_period_grains() -%}
        select {{ nps_literal('period_grain', grain) }} as period_grain
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}

),

-- each day of the cube under its week, month, quarter and year
daily_in_periods as (

    {% for grain in cx_period_grains() -%}
        select
            {{ nps_literal('period_grain', grain) }} as period_grain,
            dates.{{ grain }}_start_date as period_start_date,
            daily.dimension_name,
            daily.dimension_value,
            {{ cx_each_measure('daily.{m}') }}

        from daily
        inner join dates
            on daily.response_date = dates.date_day
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}

),

summed as (

    select
        period_grain,
        period_start_date,
        dimension_name,
        dimension_value,
        {{ cx_each_measure('cast(sum({m}) as bigint) as {m}') }}

    from daily_in_periods
    group by period_grain, period_start_date, dimension_name, dimension_value

),

bounded as (

    select
        summed.*,
        case summed.period_grain
            {% for grain in cx_period_grains() -%}
                when {{ nps_literal('period_grain', grain) }}
                    then {{ add_days_to_date(cx_add_periods(grain, 1, 'summed.period_start_date'), -1) }}
            {% endfor -%}
        end as period_end_date,
        case summed.period_grain
            {% for grain in cx_period_grains() -%}
                when {{ nps_literal('period_grain', grain) }}
                    then {{ cx_add_periods(grain, -1, 'summed.period_start_date') }}
            {% endfor -%}
        end as previous_start_date

    from summed

),

-- the target of each dimension value, metric and grain: the seed's row for the grain, else
-- its row for every grain (period_grain empty)
targets_by_grain as (

    select
        targets.dimension_name,
        targets.dimension_value,
        targets.metric,
        grains.period_grain,
        cast(targets.target as numeric(5, 2)) as target,  -- noqa: RF04
        row_number() over (
            partition by targets.dimension_name, targets.dimension_value, targets.metric, grains.period_grain
            order by case when targets.period_grain is null then 1 else 0 end
        ) as target_rank

    from targets
    inner join grains
        on targets.period_grain is null or targets.period_grain = grains.period_grain

),

targets_pivoted as (

    select
        {% for score in scores -%}
            max(case when metric = '{{ score }}' then target end) as {{ score }}_target,
        {% endfor -%}
        dimension_name,
        dimension_value,
        period_grain

    from targets_by_grain
    where target_rank = 1
    group by dimension_name, dimension_value, period_grain

),

-- this period, the previous one (zero when it had no responses) and the rest of the
-- dimension (the overall row minus this one; none for overall itself)
joined as (

    select
        bounded.period_grain,
        bounded.period_start_date,
        bounded.period_end_date,
        bounded.period_end_date <= (select max(daily.response_date) from daily) as is_period_complete,
        bounded.dimension_name,
        bounded.dimension_value,
        {% for score in scores -%}
            targets_pivoted.{{ score }}_target,
        {% endfor -%}
        {{ cx_each_measure('bounded.{m}') }},
        {{ cx_each_measure('coalesce(previous.{m}, 0) as previous_{m}') }},
        {{ cx_each_measure(
            'case when bounded.dimension_name <> ' ~ nps_literal('dimension', 'overall')
            ~ ' then overall.{m} - bounded.{m} end as rest_{m}'
        ) }}

    from bounded
    left join bounded as previous
        on
            bounded.period_grain = previous.period_grain
            and bounded.previous_start_date = previous.period_start_date
            and bounded.dimension_name = previous.dimension_name
            and bounded.dimension_value = previous.dimension_value
    left join bounded as overall
        on
            bounded.period_grain = overall.period_grain
            and bounded.period_start_date = overall.period_start_date
            and overall.dimension_name = {{ nps_literal('dimension', 'overall') }}
    left join targets_pivoted
        on
            bounded.dimension_name = targets_pivoted.dimension_name
            and bounded.dimension_value = targets_pivoted.dimension_value
            and bounded.period_grain = targets_pivoted.period_grain

),

-- the scores with their intervals, the previous and rest scores, and the z statistic of
-- each test (used only where both sides have enough responses)
scored as (

    select
        period_grain,
        period_start_date,
        period_end_date,
        is_period_complete,
        dimension_name,
        dimension_value,
        {{ nps_from_counts('previous_promoters', 'previous_detractors', 'previous_nps_responses') }}
            as previous_nps,
        {{ cx_rounded_ratio('previous_csat_satisfied', 'previous_csat_responses', 100) }} as previous_csat_pct,
        {{ cx_rounded_ratio('previous_ces_score_sum', 'previous_ces_responses', 1) }} as previous_ces_mean,
        {{ nps_from_counts('rest_promoters', 'rest_detractors', 'rest_nps_responses') }} as rest_nps,
        {{ cx_rounded_ratio('rest_csat_satisfied', 'rest_csat_responses', 100) }} as rest_csat_pct,
        {{ cx_rounded_ratio('rest_ces_score_sum', 'rest_ces_responses', 1) }} as rest_ces_mean,
        {% for score, spec in scores.items() -%}
            {%- set previous = [] -%}
            {%- set rest = [] -%}
            {%- for count in spec.counts -%}
                {%- do previous.append('previous_' ~ count) -%}
                {%- do rest.append('rest_' ~ count) -%}
            {%- endfor -%}
            previous_{{ spec.responses }},
            {{ spec.responses }} >= {{ min_responses }}
            and previous_{{ spec.responses }} >= {{ min_responses }} as has_{{ score }}_change_test,
            coalesce(rest_{{ spec.responses }}, 0) >= {{ min_responses }}
            and {{ spec.responses }} >= {{ min_responses }} as has_{{ score }}_vs_rest_test,
            {{ cx_score_tests(score, spec.test, spec.counts, previous, rest) }},
            {{ score }}_target,
        {% endfor -%}
        {{ cx_scores() }}

    from joined

),

tested as (

    select
        {% for score, spec in scores.items() -%}
            case when has_{{ score }}_change_test then {{ cx_two_sided_p(score ~ '_change_z') }} end
                as {{ score }}_change_p_value,
            case when has_{{ score }}_vs_rest_test then {{ cx_two_sided_p(score ~ '_vs_rest_z') }} end
                as {{ score }}_vs_rest_p_value,
            case when {{ spec.responses }} >= {{ min_responses }} then {{ cx_normal_cdf(score ~ '_target_z') }} end
                as {{ score }}_below_target_p_value,
        {% endfor -%}
        *

    from scored

),

final as (

    select
        period_grain,
        period_start_date,
        period_end_date,
        is_period_complete,
        dimension_name,
        dimension_value,
        {{ cx_measure_columns() | join(',\n        ') }},
        {% for score, spec in scores.items() -%}
            previous_{{ score }},
            previous_{{ spec.responses }},
            cast({{ score }} - previous_{{ score }} as numeric(6, 2)) as {{ score }}_change,
            {{ score }}_change_p_value,
            {{ cx_direction(
                score ~ '_change_p_value',
                '(' ~ score ~ ' - previous_' ~ score ~ ')',
                'has_' ~ score ~ '_change_test',
            ) }} as {{ score }}_change_direction,
            cast({{ score }} - rest_{{ score }} as numeric(6, 2)) as {{ score }}_vs_rest,
            {{ score }}_vs_rest_p_value,
            case when dimension_name <> {{ nps_literal('dimension', 'overall') }} then
                {{ cx_direction(
                    score ~ '_vs_rest_p_value',
                    '(' ~ score ~ ' - rest_' ~ score ~ ')',
                    'has_' ~ score ~ '_vs_rest_test',
                    'above',
                    'below',
                ) }}
            end as {{ score }}_vs_rest_direction,
        {% endfor -%}
        {{ target_columns | join(',\n        ') }}

    from tested

)

select * from final
