{#- The sentiment of each clause: the sum of the valences of its sentiment words, each one
    strengthened or softened by the boosters and dampeners just before it and turned by a
    negation just before it, by the weights of the seed cx_sentiment_modifiers (README, "What
    customers say"). Exact decimals, so that every
    engine sums to the same value. -#}
{{ config(materialized='table') }}

with

clauses as (

    select * from {{ ref('int_comment_clauses') }}

),

tokens as (

    select * from {{ ref('int_comment_tokens') }}

),

languages as (

    select * from {{ ref('int_comment_languages') }}

),

lexicon as (

    select * from {{ ref('int_comment_lexicon') }}

),

{%- set settings = cx_comment_settings() %}
{%- set exact = 'numeric(24, 10)' %}

tokens_read as (

    select
        tokens.response_id,
        tokens.clause_number,
        tokens.token_number,
        tokens.is_word,
        lexicon.valence,
        lexicon.modifier_kind,
        lexicon.modifier_weight

    from tokens
    inner join languages
        on tokens.response_id = languages.response_id
    inner join lexicon
        on
            languages.comment_language = lexicon.comment_language
            and tokens.token = lexicon.term

),

sentiment_words as (

    select * from tokens_read
    where valence is not null

),

modifier_words as (

    select * from tokens_read
    where modifier_kind is not null

),

-- the modifiers within the window before each sentiment word of its clause; modifiers bear on
-- words: an emoji or emoticon says what it says ("jamais arrivé 😡")
word_modifiers as (

    select
        sentiment_words.response_id,
        sentiment_words.clause_number,
        sentiment_words.token_number,
        sentiment_words.valence,
        case when modifier_words.modifier_kind = 'negation' then modifier_words.modifier_weight end
            as negation_weight,
        cast(case
            when modifier_words.modifier_kind in ('booster', 'dampener') then modifier_words.modifier_weight
            else 0
        end * {{ cx_booster_decay('sentiment_words.token_number - modifier_words.token_number') }}
            as {{ exact }}) as boost_step

    from sentiment_words
    left join modifier_words
        on
            sentiment_words.is_word
            and sentiment_words.response_id = modifier_words.response_id
            and sentiment_words.clause_number = modifier_words.clause_number
            and sentiment_words.token_number > modifier_words.token_number
            and sentiment_words.token_number <= modifier_words.token_number + {{ settings.modifier_window }}

),

word_contexts as (

    select
        response_id,
        clause_number,
        token_number,
        valence,
        -- the strongest negation before it (all weigh -0.74 in the seed, VADER's factor)
        min(negation_weight) as negation_weight,
        cast(coalesce(sum(boost_step), 0) as {{ exact }}) as boost

    from word_modifiers
    group by response_id, clause_number, token_number, valence

),

adjusted as (

    select
        response_id,
        clause_number,
        cast(
            cast(valence + case when valence < 0 then -boost else boost end as {{ exact }})
            * coalesce(negation_weight, 1)
            as {{ exact }}
        ) as adjusted_valence

    from word_contexts

),

clause_sums as (

    select
        response_id,
        clause_number,
        cast(sum(adjusted_valence) as {{ exact }}) as valence_sum,
        cast(count(*) as integer) as sentiment_words

    from adjusted
    group by response_id, clause_number

),

final as (

    select
        clauses.response_id,
        clauses.clause_number,
        clauses.clause_weight,
        cast(coalesce(clause_sums.valence_sum, 0) as {{ exact }}) as valence_sum,
        coalesce(clause_sums.sentiment_words, 0) as sentiment_words

    from clauses
    left join clause_sums
        on
            clauses.response_id = clause_sums.response_id
            and clauses.clause_number = clause_sums.clause_number

)

select * from final
