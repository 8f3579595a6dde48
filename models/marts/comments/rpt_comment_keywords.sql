{#- Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008,
    "Fightin' Words"): the counts of a category's comments against those of the other
    categories of the same month and language, the month's own counts as the prior
    (README, "What customers say"). -#}

with

insights as (

    select * from {{ ref('fct_comment_insights') }}

),

terms as (

    select * from {{ ref('int_comment_terms') }}

),

{%- set settings = cx_comment_settings() %}
{%- set keywords = cx_keyword_settings() %}

-- the terms of the French and English comments with an NPS category, under their month: a
-- term's row per comment (int_comment_terms) makes count(*) the comments that use it
category_counts as (

    select
        terms.term_type,
        terms.term,
        insights.nps_category,
        insights.comment_language,
        cast({{ dbt.date_trunc('month', 'insights.response_date') }} as date) as month_start_date,
        cast(sum(terms.occurrences) as bigint) as term_count,
        cast(count(*) as bigint) as comment_count

    from terms
    inner join insights
        on terms.response_id = insights.response_id
    where
        insights.comment_language in ({{ nps_literal_list(settings.languages) }})
        and insights.nps_category is not null
    group by
        terms.term_type,
        terms.term,
        insights.nps_category,
        insights.comment_language,
        cast({{ dbt.date_trunc('month', 'insights.response_date') }} as date)

),

with_totals as (

    select
        *,
        sum(term_count) over (
            partition by month_start_date, comment_language, term_type, term
        ) as month_term_count,
        sum(term_count) over (
            partition by month_start_date, nps_category, comment_language, term_type
        ) as category_total,
        sum(term_count) over (partition by month_start_date, comment_language, term_type) as month_total

    from category_counts

),

{#- y_i: the category's count of the term, y: the month's, n_i and n their totals; the rest of
    the month: y_j = y - y_i, n_j = n - n_i; prior alpha = y, alpha_0 = n. -#}
{%- set y_i = cast_to_double('term_count') %}
{%- set y = cast_to_double('month_term_count') %}
{%- set n_i = cast_to_double('category_total') %}
{%- set n = cast_to_double('month_total') %}

log_odds as (

    select
        *,
        case
            when {{ n_i }} + {{ n }} - {{ y_i }} - {{ y }} > 0
                and ({{ n }} - {{ n_i }}) + {{ n }} - ({{ y }} - {{ y_i }}) - {{ y }} > 0
                then
                    ln(({{ y_i }} + {{ y }}) / ({{ n_i }} + {{ n }} - {{ y_i }} - {{ y }}))
                    - ln(
                        (({{ y }} - {{ y_i }}) + {{ y }})
                        / (({{ n }} - {{ n_i }}) + {{ n }} - ({{ y }} - {{ y_i }}) - {{ y }})
                    )
        end as log_odds_ratio,
        sqrt(1 / ({{ y_i }} + {{ y }}) + 1 / (({{ y }} - {{ y_i }}) + {{ y }})) as log_odds_standard_error

    from with_totals

),

ranked as (

    select
        *,
        log_odds_ratio / log_odds_standard_error as log_odds_z,
        row_number() over (
            partition by month_start_date, nps_category, comment_language, term_type
            order by log_odds_ratio / log_odds_standard_error desc, term_count desc, term asc
        ) as keyword_rank

    from log_odds
    where term_count >= {{ keywords.min_count }} and log_odds_ratio is not null

),

final as (

    select
        month_start_date,
        nps_category,
        comment_language,
        term_type,
        term,
        cast(keyword_rank as integer) as keyword_rank,
        term_count,
        comment_count,
        cast(month_term_count as bigint) as month_term_count,
        cast(category_total as bigint) as category_term_total,
        cast(month_total as bigint) as month_term_total,
        {{ cx_round_double_to('log_odds_ratio', 4) }} as log_odds_ratio,
        {{ cx_round_double_to('log_odds_z', 4) }} as log_odds_z

    from ranked
    where keyword_rank <= {{ keywords.top_n }}

)

select * from final
