with

insights as (

    select * from {{ ref('fct_comment_insights') }}

),

mentions as (

    select * from {{ ref('int_comment_theme_mentions') }}

),

-- the mentions again, read apart for the clauses they are in (one import CTE read twice would
-- be materialised whole first)
clause_mentions as (

    select * from {{ ref('int_comment_theme_mentions') }}

),

clause_sentiment as (

    select * from {{ ref('int_comment_clause_sentiment') }}

),

-- the clauses that mention each theme of a comment, once each
theme_clauses as (

    select distinct
        response_id,
        theme,
        clause_number

    from clause_mentions

),

theme_sums as (

    select
        theme_clauses.response_id,
        theme_clauses.theme,
        cast(sum(clause_sentiment.valence_sum) as numeric(24, 10)) as valence_sum,
        cast(count(*) as integer) as clauses

    from theme_clauses
    inner join clause_sentiment
        on
            theme_clauses.response_id = clause_sentiment.response_id
            and theme_clauses.clause_number = clause_sentiment.clause_number
    group by theme_clauses.response_id, theme_clauses.theme

),

first_mentions as (

    select
        response_id,
        theme,
        matched_text,
        cast(count(*) over (partition by response_id, theme) as integer) as mentions,
        row_number() over (
            partition by response_id, theme
            order by clause_number, first_token_number, matched_text
        ) as mention_number

    from mentions

),

final as (

    select
        first_mentions.response_id,
        first_mentions.theme,
        insights.response_date,
        insights.channel,
        insights.nps_category,
        insights.comment_language,
        first_mentions.matched_text,
        first_mentions.mentions,
        {{ cx_sentiment_score('theme_sums.valence_sum') }} as theme_sentiment_score,
        {{ cx_sentiment_label(cx_sentiment_score('theme_sums.valence_sum')) }} as theme_sentiment

    from first_mentions
    inner join theme_sums
        on
            first_mentions.response_id = theme_sums.response_id
            and first_mentions.theme = theme_sums.theme
    inner join insights
        on first_mentions.response_id = insights.response_id
    where first_mentions.mention_number = 1

)

select * from final
