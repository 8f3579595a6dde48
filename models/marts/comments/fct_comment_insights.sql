{#- Incremental by response, as the comment intermediates (cx_comment_incremental.sql): a run
    reads the comments of the responses published since its last one, or every comment when
    the sentiment references changed or the vars' thresholds now label a stored score
    otherwise; a table on Spark. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read('sentiment', {'sentiment': 'sentiment_score'}) }}",
) }}

{%- set watermark = cx_comment_watermark('sentiment', {'sentiment': 'sentiment_score'}) %}

with

responses as (

    select * from {{ ref('fct_nps_responses') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

languages as (

    select * from {{ ref('int_comment_languages') }}
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
    where reference = 'sentiment'

),

commented as (

    select * from responses
    where {{ trim_whitespace('comment') }} <> ''

),

-- the clauses' sums weighted by their place around a contrast word
comment_sums as (

    select
        response_id,
        cast(sum(cast(clause_weight * valence_sum as numeric(24, 10))) as numeric(24, 10)) as valence_sum,
        cast(sum(sentiment_words) as integer) as sentiment_words

    from clause_sentiment
    group by response_id

),

-- the narrow scores of each comment, joined before the comment's text: the join with the
-- responses then holds only these few columns in memory, never every comment
comment_scores as (

    select
        languages.comment_language,
        languages.word_count,
        comment_sums.valence_sum,
        comment_sums.sentiment_words,
        coalesce(languages.response_id, comment_sums.response_id) as response_id

    from languages
    full outer join comment_sums
        on languages.response_id = comment_sums.response_id

),

scored as (

    select
        commented.response_id,
        commented.response_date,
        commented.channel,
        commented.survey_id,
        commented.nps_score,
        commented.nps_category,
        commented.comment as comment_masked,
        commented.loaded_at,
        coalesce(comment_scores.comment_language, '{{ cx_comment_settings().other_language }}') as comment_language,
        coalesce(comment_scores.word_count, 0) as word_count,
        coalesce(comment_scores.sentiment_words, 0) as sentiment_words,
        {{ cx_sentiment_score('coalesce(comment_scores.valence_sum, 0)') }} as sentiment_score

    from commented
    left join comment_scores
        on commented.response_id = comment_scores.response_id

),

final as (

    select
        scored.response_id,
        scored.response_date,
        scored.channel,
        scored.survey_id,
        scored.nps_score,
        scored.nps_category,
        scored.comment_masked,
        {{ cast_to_text('scored.comment_language') }} as comment_language,
        cast(scored.word_count as integer) as word_count,
        cast(scored.sentiment_words as integer) as sentiment_words,
        scored.sentiment_score,
        {{ cx_sentiment_label('scored.sentiment_score') }} as sentiment,
        scored.loaded_at,
        fingerprints.fingerprint as reference_fingerprint

    from scored
    cross join fingerprints

)

select * from final
