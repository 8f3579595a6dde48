{#- What costs or earns NPS points, per month and over the whole period (README, "What
    customers say"): each theme of the comments (mentioned or not) and each value of the
    operational factors, with the NPS of the responses with it and without it, the gap and
    its p-value, and nps_impact = NPS of all responses - NPS of the responses without it. The
    first rows of a period are the root causes to fix first. -#}

with

responses as (

    select * from {{ ref('fct_cx_responses') }}

),

themes as (

    select * from {{ ref('fct_comment_themes') }}

),

insights as (

    select * from {{ ref('fct_comment_insights') }}

),

{%- set drivers = cx_driver_settings() %}

scored as (

    select
        response_id,
        response_date,
        nps_category,
        {{ drivers.factors | join(',\n        ') }}

    from responses
    where nps_category is not null

),

first_dates as (

    select min(response_date) as first_date
    from scored

),

-- each response under its month and under the whole period
response_periods as (

    select
        response_id,
        nps_category,
        {{ cast_to_text("'month'") }} as period_grain,
        cast({{ dbt.date_trunc('month', 'response_date') }} as date) as period_start_date
    from scored

    union all

    select
        scored.response_id,
        scored.nps_category,
        {{ cast_to_text("'all'") }} as period_grain,
        first_dates.first_date as period_start_date
    from scored
    cross join first_dates

),

period_bounds as (

    select
        period_grain,
        period_start_date,
        {{ nps_counts('nps_category') }}

    from response_periods
    group by period_grain, period_start_date

),

factor_names as (

    {{ cx_text_values('driver_group', drivers.factors) }}

),

-- each response's value of each factor
factor_values as (

    select
        scored.response_id,
        factor_names.driver_group,
        {{ cast_to_text(
            'case factor_names.driver_group'
            ~ cx_factor_cases(drivers.factors, 'scored.')
            ~ ' end'
        ) }} as driver

    from scored
    cross join factor_names

),

-- the drivers of each response: the themes its comment mentions, the known values of its factors
response_drivers as (

    select
        response_id,
        {{ cast_to_text("'theme'") }} as driver_group,
        theme as driver
    from themes

    union all

    select
        response_id,
        driver_group,
        driver
    from factor_values
    where driver <> {{ nps_literal('placeholder', 'unknown') }}

),

with_counts as (

    select
        response_periods.period_grain,
        response_periods.period_start_date,
        response_drivers.driver_group,
        response_drivers.driver,
        {{ nps_counts('response_periods.nps_category') }}

    from response_drivers
    inner join response_periods
        on response_drivers.response_id = response_periods.response_id
    group by
        response_periods.period_grain,
        response_periods.period_start_date,
        response_drivers.driver_group,
        response_drivers.driver

),

sides as (

    select
        with_counts.period_grain,
        with_counts.period_start_date,
        with_counts.driver_group,
        with_counts.driver,
        period_bounds.responses,
        period_bounds.promoters,
        period_bounds.passives,
        period_bounds.detractors,
        with_counts.responses as responses_with,
        with_counts.promoters as promoters_with,
        with_counts.passives as passives_with,
        with_counts.detractors as detractors_with,
        period_bounds.responses - with_counts.responses as responses_without,
        period_bounds.promoters - with_counts.promoters as promoters_without,
        period_bounds.passives - with_counts.passives as passives_without,
        period_bounds.detractors - with_counts.detractors as detractors_without

    from with_counts
    inner join period_bounds
        on
            with_counts.period_grain = period_bounds.period_grain
            and with_counts.period_start_date = period_bounds.period_start_date

),

with_uncertainty as (

    select
        sides.*,
        {{ nps_from_counts('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_from_counts('promoters_with', 'detractors_with', 'responses_with') }} as nps_with,
        {{ nps_from_counts('promoters_without', 'detractors_without', 'responses_without') }} as nps_without,
        -- null when every response of the period has the driver: there is no NPS without it
        {{ cx_rounded_ratio_difference(
            'promoters - detractors', 'responses',
            'promoters_without - detractors_without', 'responses_without', 100
        ) }} as nps_impact,
        {{ cx_nps_difference_z(
            ['promoters_with', 'passives_with', 'detractors_with'],
            ['promoters_without', 'passives_without', 'detractors_without']
        ) }} as gap_z

    from sides

),

with_side as (

    select
        period_grain,
        period_start_date,
        driver_group,
        driver,
        {{ cx_nps_uncertainty('promoters_with', 'passives_with', 'detractors_with') }}

    from sides

),

without_side as (

    select
        period_grain,
        period_start_date,
        driver_group,
        driver,
        {{ cx_nps_uncertainty('promoters_without', 'passives_without', 'detractors_without') }}

    from sides

),

with_intervals as (

    select
        with_uncertainty.*,
        with_side.nps_ci_lower as nps_with_ci_lower,
        with_side.nps_ci_upper as nps_with_ci_upper,
        with_side.is_below_min_responses as is_with_below_min_responses,
        without_side.nps_ci_lower as nps_without_ci_lower,
        without_side.nps_ci_upper as nps_without_ci_upper,
        without_side.is_below_min_responses as is_without_below_min_responses

    from with_uncertainty
    inner join with_side
        on
            with_uncertainty.period_grain = with_side.period_grain
            and with_uncertainty.period_start_date = with_side.period_start_date
            and with_uncertainty.driver_group = with_side.driver_group
            and with_uncertainty.driver = with_side.driver
    inner join without_side
        on
            with_uncertainty.period_grain = without_side.period_grain
            and with_uncertainty.period_start_date = without_side.period_start_date
            and with_uncertainty.driver_group = without_side.driver_group
            and with_uncertainty.driver = without_side.driver

),

tested as (

    select
        *,
        {{ cx_two_sided_p('gap_z') }} as gap_p_value

    from with_intervals

),

-- the theme mentions' sentiment, per period and theme
theme_sentiment as (

    select
        response_periods.period_grain,
        response_periods.period_start_date,
        themes.theme as driver,
        cast(count(*) as bigint) as mentions,
        cast(sum(case when themes.theme_sentiment = 'negative' then 1 else 0 end) as bigint) as negative_mentions

    from themes
    inner join response_periods
        on themes.response_id = response_periods.response_id
    group by response_periods.period_grain, response_periods.period_start_date, themes.theme

),

-- the comment that says it: of the responses with the driver and a comment, a detractor's
-- first, the most negative (its theme's sentiment for a theme, the comment's otherwise)
examples as (

    select
        response_periods.period_grain,
        response_periods.period_start_date,
        response_drivers.driver_group,
        response_drivers.driver,
        insights.response_id,
        insights.comment_masked,
        row_number() over (
            partition by
                response_periods.period_grain,
                response_periods.period_start_date,
                response_drivers.driver_group,
                response_drivers.driver
            order by
                case when insights.nps_category = {{ nps_literal('category', 'detractor') }} then 0 else 1 end,
                coalesce(themes.theme_sentiment_score, insights.sentiment_score),
                insights.response_id
        ) as example_number

    from response_drivers
    inner join response_periods
        on response_drivers.response_id = response_periods.response_id
    inner join insights
        on response_drivers.response_id = insights.response_id
    left join themes
        on
            response_drivers.driver_group = 'theme'
            and response_drivers.response_id = themes.response_id
            and response_drivers.driver = themes.theme

),

ranked as (

    select
        tested.*,
        theme_sentiment.mentions,
        theme_sentiment.negative_mentions,
        examples.response_id as example_response_id,
        examples.comment_masked as example_comment,
        coalesce(tested.gap_p_value < {{ cx_alpha() }}, false) as is_gap_significant,
        row_number() over (
            partition by tested.period_grain, tested.period_start_date
            order by
                case when tested.gap_p_value < {{ cx_alpha() }} and tested.nps_impact < 0 then 0 else 1 end,
                case when tested.nps_impact is null then 1 else 0 end,
                tested.nps_impact,
                tested.driver_group,
                tested.driver
        ) as driver_rank

    from tested
    left join theme_sentiment
        on
            tested.driver_group = 'theme'
            and tested.period_grain = theme_sentiment.period_grain
            and tested.period_start_date = theme_sentiment.period_start_date
            and tested.driver = theme_sentiment.driver
    left join examples
        on
            tested.period_grain = examples.period_grain
            and tested.period_start_date = examples.period_start_date
            and tested.driver_group = examples.driver_group
            and tested.driver = examples.driver
            and examples.example_number = 1

),

final as (

    select
        period_grain,
        period_start_date,
        driver_group,
        driver,
        cast(driver_rank as integer) as driver_rank,
        nps_impact,
        nps,
        responses,
        responses_with,
        responses_without,
        {{ cx_rounded_ratio('responses_with', 'responses', 100) }} as share_with_pct,
        nps_with,
        nps_with_ci_lower,
        nps_with_ci_upper,
        nps_without,
        nps_without_ci_lower,
        nps_without_ci_upper,
        cast(nps_with - nps_without as numeric(6, 2)) as nps_gap,
        gap_p_value,
        is_gap_significant,
        is_with_below_min_responses,
        cast(mentions as bigint) as theme_mentions,
        {{ cx_rounded_ratio('negative_mentions', 'mentions', 100) }} as negative_mention_pct,
        example_response_id,
        example_comment

    from ranked

)

select * from final
