{#- Where each comment mentions a theme: the taxonomy's patterns found on consecutive tokens of
    one clause. The tokens are matched on the comments' vocabulary first (every distinct token,
    far fewer than the tokens), so that the prefix patterns compare each word once; a pattern of
    several words is then looked for where its first word is, its next words being the tokens
    after it on the same row (int_comment_tokens) - never by joining the tokens to themselves,
    nor every occurrence of a common word ("a", "de") to every pattern that holds it, which at
    ten million comments fills the disk. Incremental: the comments of the responses published
    since the last run, or all of them when the taxonomy changed (cx_comment_incremental.sql). -#}
-- depends_on: {{ ref('fct_nps_responses') }}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read('themes') }}",
) }}

{%- set watermark = cx_comment_watermark('themes') %}

with

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

fingerprints as (

    select * from {{ ref('int_comment_reference_fingerprints') }}
    where reference = 'themes'

),

patterns as (

    select * from {{ ref('stg_comment_reference__theme_patterns') }}

),

vocabulary as (

    select distinct token
    from tokens
    where is_word

),

prefix_lengths as (

    select distinct length(pattern_token) as prefix_length
    from patterns
    where is_prefix

),

vocabulary_prefixes as (

    select
        vocabulary.token,
        prefix_lengths.prefix_length,
        substr(vocabulary.token, 1, prefix_lengths.prefix_length) as token_prefix

    from vocabulary
    cross join prefix_lengths
    where length(vocabulary.token) >= prefix_lengths.prefix_length

),

-- each word of the vocabulary with every pattern token it matches
word_matches as (

    select
        vocabulary.token,
        patterns.theme,
        patterns.language,  -- noqa: RF04
        patterns.pattern,
        patterns.token_number as pattern_token_number,
        patterns.pattern_length

    from vocabulary
    inner join patterns
        on
            vocabulary.token = patterns.pattern_token
            and not patterns.is_prefix

    union all

    select
        vocabulary_prefixes.token,
        patterns.theme,
        patterns.language,  -- noqa: RF04
        patterns.pattern,
        patterns.token_number as pattern_token_number,
        patterns.pattern_length

    from vocabulary_prefixes
    inner join patterns
        on
            vocabulary_prefixes.token_prefix = patterns.pattern_token
            and vocabulary_prefixes.prefix_length = length(patterns.pattern_token)
            and patterns.is_prefix

),

{%- set settings = cx_comment_settings() %}

-- the comments' words that begin a pattern of their language (other languages: both), each
-- with the pattern: one row per word and pattern it may begin, few for any word
pattern_starts as (

    select
        tokens.response_id,
        tokens.clause_number,
        tokens.token_number,
        tokens.token,
        tokens.token_after_1,
        tokens.token_after_2,
        tokens.loaded_at,
        word_matches.theme,
        word_matches.language,  -- noqa: RF04
        word_matches.pattern,
        word_matches.pattern_length

    from tokens
    inner join languages
        on tokens.response_id = languages.response_id
    inner join word_matches
        on
            tokens.token = word_matches.token
            and word_matches.pattern_token_number = 1
            and (
                languages.comment_language = word_matches.language
                or languages.comment_language = '{{ settings.other_language }}'
            )

),

longer_starts as (

    select * from pattern_starts
    where pattern_length > 1

),

-- patterns of two or three words whose second word follows (the next token, on the same row)
second_words as (

    select
        longer_starts.*,
        longer_starts.token_after_1 as second_token

    from longer_starts
    inner join word_matches
        on
            longer_starts.token_after_1 = word_matches.token
            and longer_starts.theme = word_matches.theme
            and longer_starts.language = word_matches.language
            and longer_starts.pattern = word_matches.pattern
            and word_matches.pattern_token_number = 2

),

-- patterns of three words whose third word follows too
third_words as (

    select
        second_words.*,
        second_words.token_after_2 as third_token

    from second_words
    inner join word_matches
        on
            second_words.token_after_2 = word_matches.token
            and second_words.theme = word_matches.theme
            and second_words.language = word_matches.language
            and second_words.pattern = word_matches.pattern
            and word_matches.pattern_token_number = 3
    where second_words.pattern_length = 3

),

-- a pattern is found where all its words match, in order, one after the other
pattern_matches as (

    select
        response_id,
        clause_number,
        token_number as first_token_number,
        theme,
        token as matched_text,
        loaded_at
    from pattern_starts
    where pattern_length = 1

    union all

    select
        response_id,
        clause_number,
        token_number as first_token_number,
        theme,
        token || ' ' || second_token as matched_text,
        loaded_at
    from second_words
    where pattern_length = 2

    union all

    select
        response_id,
        clause_number,
        token_number as first_token_number,
        theme,
        token || ' ' || second_token || ' ' || third_token as matched_text,
        loaded_at
    from third_words

),

final as (

    select distinct
        pattern_matches.response_id,
        pattern_matches.theme,
        pattern_matches.clause_number,
        pattern_matches.first_token_number,
        pattern_matches.matched_text,
        pattern_matches.loaded_at,
        fingerprints.fingerprint as reference_fingerprint

    from pattern_matches
    cross join fingerprints

)

select * from final
