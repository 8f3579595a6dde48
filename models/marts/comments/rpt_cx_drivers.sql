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

-- the comments again, read apart for the examples alone
example_comments as (

    select * from {{ ref('fct_comment_insights') }}

),

{%- set drivers = cx_driver_settings() %}

-- each response under its month: the whole period is summed from the months (a response is
-- in one month), so the responses are never joined to two periods
monthly as (

    select
        response_id,
        response_date,
        nps_category,
        cast({{ dbt.date_trunc('month', 'response_date') }} as date) as month_start_date,
        {{ drivers.factors | join(',\n        ') }}

    from responses
    where nps_category is not null

),

-- in one scan: each month's counts, and each factor value's under its month
month_grouped as (

    select
        month_start_date,
        {{ cx_factor_group_and_value(drivers.factors) }},
        min(response_date) as first_date,
        {{ nps_counts('nps_category') }}

    from monthly
    -- sqlfluff's DuckDB dialect does not parse grouping sets (DuckDB, PostgreSQL and Spark do)
    group by {{ cx_factor_grouping_sets(drivers.factors) }}  -- noqa: PRS

),

month_bounds as (

    select
        month_start_date,
        first_date,
        responses,
        promoters,
        passives,
        detractors

    from month_grouped
    where driver_group is null

),

first_dates as (

    select min(first_date) as first_date
    from month_bounds

),

-- the responses with a comment, and what the examples read of it
commented as (

    select
        monthly.*,
        insights.sentiment_score,
        case when insights.nps_category = {{ nps_literal('category', 'detractor') }} then 0 else 1 end
            as detractor_order

    from monthly
    inner join insights
        on monthly.response_id = insights.response_id

),

-- each theme a comment mentions, under its month
theme_mentions as (

    select
        themes.theme,
        themes.theme_sentiment,
        monthly.month_start_date,
        monthly.nps_category

    from themes
    inner join monthly
        on themes.response_id = monthly.response_id

),

-- per month and theme: the responses whose comment mentions it, and the mentions' sentiment
month_theme_counts as (

    select
        month_start_date,
        theme as driver,
        {{ nps_counts('nps_category') }},
        cast(count(*) as bigint) as mentions,
        cast(sum(case when theme_sentiment = 'negative' then 1 else 0 end) as bigint) as negative_mentions

    from theme_mentions
    group by month_start_date, theme

),

-- per month, the responses with each known value of each factor, and with each theme
month_counts as (

    select
        month_start_date,
        driver_group,
        driver,
        responses,
        promoters,
        passives,
        detractors

    from month_grouped
    where
        driver_group is not null
        and driver <> {{ nps_literal('placeholder', 'unknown') }}

    union all

    select
        month_start_date,
        {{ cast_to_text("'theme'") }} as driver_group,
        driver,
        responses,
        promoters,
        passives,
        detractors

    from month_theme_counts

),

period_bounds as (

    select
        {{ cast_to_text("'month'") }} as period_grain,
        month_start_date as period_start_date,
        responses,
        promoters,
        passives,
        detractors

    from month_bounds

    union all

    select
        {{ cast_to_text("'all'") }} as period_grain,
        first_dates.first_date as period_start_date,
        cast(sum(month_bounds.responses) as bigint) as responses,
        cast(sum(month_bounds.promoters) as bigint) as promoters,
        cast(sum(month_bounds.passives) as bigint) as passives,
        cast(sum(month_bounds.detractors) as bigint) as detractors

    from month_bounds
    cross join first_dates
    group by first_dates.first_date

),

with_counts as (

    select
        {{ cast_to_text("'month'") }} as period_grain,
        month_start_date as period_start_date,
        driver_group,
        driver,
        responses,
        promoters,
        passives,
        detractors

    from month_counts

    union all

    select
        {{ cast_to_text("'all'") }} as period_grain,
        first_dates.first_date as period_start_date,
        month_counts.driver_group,
        month_counts.driver,
        cast(sum(month_counts.responses) as bigint) as responses,
        cast(sum(month_counts.promoters) as bigint) as promoters,
        cast(sum(month_counts.passives) as bigint) as passives,
        cast(sum(month_counts.detractors) as bigint) as detractors

    from month_counts
    cross join first_dates
    group by first_dates.first_date, month_counts.driver_group, month_counts.driver

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

-- the theme mentions' sentiment, per month and theme, and over the whole period
theme_sentiment as (

    select
        {{ cast_to_text("'month'") }} as period_grain,
        month_start_date as period_start_date,
        driver,
        mentions,
        negative_mentions

    from month_theme_counts

    union all

    select
        {{ cast_to_text("'all'") }} as period_grain,
        first_dates.first_date as period_start_date,
        month_theme_counts.driver,
        cast(sum(month_theme_counts.mentions) as bigint) as mentions,
        cast(sum(month_theme_counts.negative_mentions) as bigint) as negative_mentions

    from month_theme_counts
    cross join first_dates
    group by first_dates.first_date, month_theme_counts.driver

),

-- the comment that says it: of the responses with the driver and a comment, a detractor's
-- first, the most negative (its theme's sentiment for a theme, the comment's otherwise)
factor_names as (

    {{ cx_text_values('driver_group', drivers.factors) }}

),

commented_factor_values as (

    select
        commented.month_start_date,
        factor_names.driver_group,
        {{ cast_to_text(
            'case factor_names.driver_group'
            ~ cx_factor_cases(drivers.factors, 'commented.')
            ~ ' end'
        ) }} as driver,
        commented.response_id,
        commented.detractor_order,
        commented.sentiment_score as sentiment_order

    from commented
    cross join factor_names

),

example_candidates as (

    select
        month_start_date,
        driver_group,
        driver,
        response_id,
        detractor_order,
        sentiment_order

    from commented_factor_values
    where driver <> {{ nps_literal('placeholder', 'unknown') }}

    union all

    select
        commented.month_start_date,
        {{ cast_to_text("'theme'") }} as driver_group,
        themes.theme as driver,
        commented.response_id,
        commented.detractor_order,
        coalesce(themes.theme_sentiment_score, commented.sentiment_score) as sentiment_order

    from themes
    inner join commented
        on themes.response_id = commented.response_id

),

-- per month and driver, the first candidate in that order
month_examples as (

    {{ nps_first_per_group(
        'example_candidates',
        ['month_start_date', 'driver_group', 'driver'],
        ['detractor_order', 'sentiment_order', 'response_id'],
        ['response_id', 'detractor_order', 'sentiment_order']
    ) }}

),

-- the whole period's example is the first of the months' examples, in the same order
all_examples_ranked as (

    select
        *,
        row_number() over (
            partition by driver_group, driver
            order by detractor_order, sentiment_order, response_id
        ) as all_example_number

    from month_examples

),

example_ids as (

    select
        {{ cast_to_text("'month'") }} as period_grain,
        month_start_date as period_start_date,
        driver_group,
        driver,
        response_id

    from month_examples

    union all

    select
        {{ cast_to_text("'all'") }} as period_grain,
        first_dates.first_date as period_start_date,
        all_examples_ranked.driver_group,
        all_examples_ranked.driver,
        all_examples_ranked.response_id

    from all_examples_ranked
    cross join first_dates
    where all_examples_ranked.all_example_number = 1

),

-- the examples' comments, joined once the examples are chosen: the ranking sorts ids, never texts
examples as (

    select
        example_ids.period_grain,
        example_ids.period_start_date,
        example_ids.driver_group,
        example_ids.driver,
        example_ids.response_id,
        example_comments.comment_masked

    from example_ids
    inner join example_comments
        on example_ids.response_id = example_comments.response_id

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
