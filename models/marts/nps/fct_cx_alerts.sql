{#- A table rebuilt by every build. Every cell with enough responses on both sides is a test;
    the tests of one rule and one period form a family whose p-values are adjusted together
    (Benjamini-Hochberg), and an alert fires when its q-value is under the false discovery
    rate: out of all the alerts listed, at most that share are expected to be false alarms.
    A value holding every response of its dimension on both sides of a comparison (the one
    value, often unknown, of a dimension a feed does not carry) repeats the overall test: it is
    left out of the drop and spike families, so that one event raises one alert, not twenty. -#}
{%- set settings = cx_alert_settings() -%}
{%- set min_responses = cx_min_responses() -%}
{%- set family = 'rule, period_grain, period_start_date' -%}

with

periods as (

    select * from {{ ref('fct_cx_by_period') }}

),

cells as (

    select * from {{ ref('int_cx_daily_cells_filled') }}

),

-- each day of each cell beside the detractors of the days before it
with_trailing_days as (

    select
        date_day,
        dimension_name,
        dimension_value,
        detractors,
        nps_responses,
        {% for measure in ['detractors', 'nps_responses'] -%}
            cast(coalesce(sum({{ measure }}) over (
                partition by dimension_name, dimension_value
                order by date_day
                rows between {{ settings.detractor_window_days }} preceding and 1 preceding
            ), 0) as bigint) as trailing_{{ measure }},
        {% endfor -%}
        date_day as period_start_date

    from cells

),

overall_days as (

    select * from with_trailing_days
    where dimension_name = {{ nps_literal('dimension', 'overall') }}

),

overall_periods as (

    select * from periods
    where dimension_name = {{ nps_literal('dimension', 'overall') }}

),

spike_tests as (

    select
        with_trailing_days.*,
        {{ cx_share_difference_z(
            ['with_trailing_days.detractors', 'with_trailing_days.nps_responses'],
            ['with_trailing_days.trailing_detractors', 'with_trailing_days.trailing_nps_responses'],
        ) }} as spike_z

    from with_trailing_days
    inner join overall_days
        on with_trailing_days.date_day = overall_days.date_day
    where
        with_trailing_days.nps_responses >= {{ min_responses }}
        and with_trailing_days.trailing_nps_responses >= {{ min_responses }}
        and (
            with_trailing_days.dimension_name = {{ nps_literal('dimension', 'overall') }}
            or with_trailing_days.nps_responses <> overall_days.nps_responses
            or with_trailing_days.trailing_nps_responses <> overall_days.trailing_nps_responses
        )

),

candidates as (

    {% for score, responses, rule in [
        ('nps', 'nps_responses', 'nps_significant_drop'),
        ('csat_pct', 'csat_responses', 'csat_significant_drop'),
    ] -%}
        select
            {{ nps_literal('alert_rule', rule) }} as rule,  -- noqa: RF04
            {{ nps_literal('alert_metric', score) }} as metric,
            periods.period_grain,
            periods.period_start_date,
            periods.is_period_complete,
            periods.dimension_name,
            periods.dimension_value,
            periods.{{ score }} as observed,
            periods.previous_{{ score }} as baseline,
            periods.{{ score }}_change_p_value as p_value,
            periods.{{ responses }} as responses,
            periods.previous_{{ responses }} as baseline_responses,
            periods.{{ score }}_change < 0 as is_alerting_direction

        from periods
        inner join overall_periods
            on
                periods.period_grain = overall_periods.period_grain
                and periods.period_start_date = overall_periods.period_start_date
        where
            periods.{{ score }}_change_p_value is not null
            and (
                periods.dimension_name = {{ nps_literal('dimension', 'overall') }}
                or periods.{{ responses }} <> overall_periods.{{ responses }}
                or periods.previous_{{ responses }} <> overall_periods.previous_{{ responses }}
            )

        union all

    {% endfor -%}
    select
        {{ nps_literal('alert_rule', 'detractor_spike') }} as rule,  -- noqa: RF04
        {{ nps_literal('alert_metric', 'detractor_share') }} as metric,
        {{ nps_literal('period_grain', 'day') }} as period_grain,
        period_start_date,
        true as is_period_complete,
        dimension_name,
        dimension_value,
        {{ cx_rounded_ratio('detractors', 'nps_responses', 100) }} as observed,
        {{ cx_rounded_ratio('trailing_detractors', 'trailing_nps_responses', 100) }} as baseline,
        {{ cx_normal_cdf('-spike_z') }} as p_value,
        nps_responses as responses,
        trailing_nps_responses as baseline_responses,
        spike_z > 0 as is_alerting_direction

    from spike_tests

    {% for score, responses in [
        ('nps', 'nps_responses'), ('csat_pct', 'csat_responses'), ('ces_mean', 'ces_responses'),
    ] -%}

        union all

        select
            {{ nps_literal('alert_rule', 'below_target') }} as rule,  -- noqa: RF04
            {{ nps_literal('alert_metric', score) }} as metric,
            period_grain,
            period_start_date,
            is_period_complete,
            dimension_name,
            dimension_value,
            {{ score }} as observed,
            {{ score }}_target as baseline,
            {{ score }}_below_target_p_value as p_value,
            {{ responses }} as responses,
            cast(null as bigint) as baseline_responses,
            true as is_alerting_direction

        from periods
        where {{ score }}_below_target_p_value is not null

    {% endfor %}

),

ranked as (

    select
        *,
        row_number() over (partition by {{ family }} order by p_value) as p_rank,
        count(*) over (partition by {{ family }}) as tests

    from candidates

),

-- q = min over the ranks from this one up of p * m / rank, capped at 1
adjusted as (

    select
        *,
        least(
            min(p_value * tests / p_rank) over (
                partition by {{ family }}
                order by p_rank desc
                rows between unbounded preceding and current row
            ),
            {{ cast_to_double('1') }}
        ) as q_value

    from ranked

),

final as (

    select
        md5(
            rule || '|' || metric || '|' || period_grain || '|' || {{ cast_to_text('period_start_date') }}
            || '|' || dimension_name || '|' || dimension_value
        ) as alert_id,
        rule,  -- noqa: RF04
        metric,
        case
            {% for metric, points in settings.high_severity.items() -%}
                when metric = {{ nps_literal('alert_metric', metric) }} and abs(observed - baseline) >= {{ points }}
                    then {{ nps_literal('severity', 'high') }}
            {% endfor -%}
            else {{ nps_literal('severity', 'medium') }}
        end as severity,
        period_grain,
        period_start_date,
        is_period_complete,
        dimension_name,
        dimension_value,
        observed,
        baseline,
        p_value,
        q_value,
        responses,
        baseline_responses

    from adjusted
    where q_value < {{ cast_to_double(settings.fdr) }} and is_alerting_direction

)

select * from final
