with

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

languages as (

    select * from {{ ref('int_comment_languages') }}

),

clause_sentiment as (

    select * from {{ ref('int_comment_clause_sentiment') }}

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
        response_id,
        response_date,
        channel,
        survey_id,
        nps_score,
        nps_category,
        comment_masked,
        {{ cast_to_text('comment_language') }} as comment_language,
        cast(word_count as integer) as word_count,
        cast(sentiment_words as integer) as sentiment_words,
        sentiment_score,
        {{ cx_sentiment_label('sentiment_score') }} as sentiment

    from scored

)

select * from final
