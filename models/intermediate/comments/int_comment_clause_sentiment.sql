{#- The sentiment of each clause: the sum of the valences of its sentiment words and phrases,
    each one strengthened or softened by the boosters and dampeners just before it and turned
    by a negation just before it, by the weights of the seed cx_sentiment_modifiers (README, "What
    customers say"). Exact decimals, so that every engine sums to the same value. Incremental:
    the clauses of the responses published since the last run, or all of them when the
    lexicon or the phrases changed (cx_comment_incremental.sql). -#}
-- depends_on: {{ ref('fct_nps_responses') }}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read('sentiment') }}",
) }}

{%- set watermark = cx_comment_watermark('sentiment') %}

with

clauses as (

    select * from {{ ref('int_comment_clauses') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

-- the tokens and the languages are read twice, apart: for the lexicon's words and for the
-- phrases' first words (one import CTE read twice would be materialised whole first)
tokens as (

    select * from {{ ref('int_comment_tokens') }}
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

phrase_start_tokens as (

    select * from {{ ref('int_comment_tokens') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

phrase_start_languages as (

    select * from {{ ref('int_comment_languages') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}

),

fingerprints as (

    select * from {{ ref('int_comment_reference_fingerprints') }}
    where reference = 'sentiment'

),

lexicon as (

    select * from {{ ref('int_comment_lexicon') }}

),

phrase_tokens as (

    select * from {{ ref('stg_comment_reference__sentiment_phrases') }}

),

{%- set settings = cx_comment_settings() %}
{%- set exact = 'numeric(24, 10)' %}

-- each phrase with its words side by side (2 to 4)
phrase_shapes as (

    select
        language,  -- noqa: RF04
        phrase,
        phrase_length,
        valence,
        max(case when token_number = 1 then phrase_token end) as token_1,
        max(case when token_number = 2 then phrase_token end) as token_2,
        max(case when token_number = 3 then phrase_token end) as token_3,
        max(case when token_number = 4 then phrase_token end) as token_4

    from phrase_tokens
    group by language, phrase, phrase_length, valence

),

-- the first words of the phrases
phrase_first_words as (

    select distinct token_1 as term
    from phrase_shapes

),

-- the tokens that are a phrase's first word, with their comment's language
phrase_starts as (

    select
        phrase_start_tokens.response_id,
        phrase_start_tokens.clause_number,
        phrase_start_tokens.token_number,
        phrase_start_tokens.token,
        phrase_start_tokens.token_after_1,
        phrase_start_tokens.token_after_2,
        phrase_start_tokens.token_after_3,
        phrase_start_languages.comment_language

    from phrase_start_tokens
    inner join phrase_first_words
        on phrase_start_tokens.token = phrase_first_words.term
    inner join phrase_start_languages
        on phrase_start_tokens.response_id = phrase_start_languages.response_id

),

-- the phrases of the comment's language (a comment in another language reads the French and
-- English ones) found where their first word is: its next words are on the same row
phrases_found as (

    select
        phrase_starts.response_id,
        phrase_starts.clause_number,
        phrase_starts.token_number as first_token_number,
        phrase_shapes.phrase_length,
        phrase_shapes.valence

    from phrase_starts
    inner join phrase_shapes
        on
            phrase_starts.token = phrase_shapes.token_1
            and phrase_starts.token_after_1 = phrase_shapes.token_2
            and (
                phrase_starts.comment_language = phrase_shapes.language
                or phrase_starts.comment_language = '{{ settings.other_language }}'
            )
    where
        (phrase_shapes.phrase_length < 3 or phrase_starts.token_after_2 = phrase_shapes.token_3)
        and (phrase_shapes.phrase_length < 4 or phrase_starts.token_after_3 = phrase_shapes.token_4)

),

-- a phrase's places after its first word (at most four words)
phrase_offsets as (

    select 0 as token_offset
    union all
    select 1 as token_offset
    union all
    select 2 as token_offset
    union all
    select 3 as token_offset

),

-- the tokens a phrase holds are read no more one by one
covered_tokens as (

    select distinct
        phrases_found.response_id,
        phrases_found.clause_number,
        phrases_found.first_token_number + phrase_offsets.token_offset as token_number

    from phrases_found
    inner join phrase_offsets
        on phrases_found.phrase_length > phrase_offsets.token_offset

),

tokens_read as (

    select
        tokens.response_id,
        tokens.clause_number,
        tokens.token_number,
        tokens.is_word,
        lexicon.valence,
        lexicon.modifier_kind,
        lexicon.modifier_weight

    -- the terms of the lexicon in their comment's language; the other tokens (most of them)
    -- never meet the comment's language
    from tokens
    inner join lexicon
        on tokens.token = lexicon.term
    inner join languages
        on
            tokens.response_id = languages.response_id
            and lexicon.comment_language = languages.comment_language
    left join covered_tokens
        on
            tokens.response_id = covered_tokens.response_id
            and tokens.clause_number = covered_tokens.clause_number
            and tokens.token_number = covered_tokens.token_number
    where covered_tokens.token_number is null

    union all

    -- a phrase is one sentiment word, where it begins (a 0 valence: it says nothing)
    select
        response_id,
        clause_number,
        first_token_number as token_number,
        true as is_word,
        cast(valence as numeric(12, 6)) as valence,
        cast(null as {{ text_type() }}) as modifier_kind,
        cast(null as numeric(12, 6)) as modifier_weight

    from phrases_found
    where valence <> 0

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
        cast(
            {{ cx_boost_step('modifier_words', 'sentiment_words.token_number - modifier_words.token_number') }}
            as {{ exact }}
        ) as boost_step

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
        coalesce(clause_sums.sentiment_words, 0) as sentiment_words,
        clauses.loaded_at,
        fingerprints.fingerprint as reference_fingerprint

    from clauses
    cross join fingerprints
    left join clause_sums
        on
            clauses.response_id = clause_sums.response_id
            and clauses.clause_number = clause_sums.clause_number

)

select * from final
