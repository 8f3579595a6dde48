{#- Incremental by response, as the comment intermediates (cx_comment_incremental.sql): a run
    reads the themes of the responses published since its last one, or every response's when
    the sentiment references or the taxonomy changed or the vars' thresholds now label a
    stored score otherwise; a table on Spark. -#}
-- depends_on: {{ ref('fct_nps_responses') }}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read('sentiment_and_themes', {'theme_sentiment': 'theme_sentiment_score'}) }}",
) }}

{%- set watermark = cx_comment_watermark('sentiment_and_themes', {'theme_sentiment': 'theme_sentiment_score'}) %}

with

insights as (

    select * from {{ ref('fct_comment_insights') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

mentions as (

    select * from {{ ref('int_comment_theme_mentions') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

-- the mentions again, read apart for the clauses they are in (one import CTE read twice would
-- be materialised whole first)
clause_mentions as (

    select * from {{ ref('int_comment_theme_mentions') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

clause_sentiment as (

    select * from {{ ref('int_comment_clause_sentiment') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

fingerprints as (

    select * from {{ ref('int_comment_reference_fingerprints') }}
    where reference = 'sentiment_and_themes'

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
        {{ cast_to_text('first_mentions.matched_text') }} as matched_text,
        first_mentions.mentions,
        {{ cx_sentiment_score('theme_sums.valence_sum') }} as theme_sentiment_score,
        {{ cx_sentiment_label(cx_sentiment_score('theme_sums.valence_sum')) }} as theme_sentiment,
        insights.loaded_at,
        fingerprints.fingerprint as reference_fingerprint

    from first_mentions
    inner join theme_sums
        on
            first_mentions.response_id = theme_sums.response_id
            and first_mentions.theme = theme_sums.theme
    inner join insights
        on first_mentions.response_id = insights.response_id
    cross join fingerprints
    where first_mentions.mention_number = 1

)

select * from final
