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

-- read apart from the import CTE tokens: DuckDB copies whole a CTE read twice
vocabulary as (

    select distinct token
    from {{ ref('int_comment_tokens') }}
    where is_word
    {%- if is_incremental() %}
        and loaded_at > {{ watermark }}
    {%- endif %}

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

-- where the second word (the next token) and the third follow: looked up on the same row, in
-- one pass over the starts (each pattern a word at most once, so no row is repeated)
followed as (

    select
        pattern_starts.*,
        second_words.token as second_token,
        third_words.token as third_token

    from pattern_starts
    left join word_matches as second_words
        on
            pattern_starts.pattern_length > 1
            and pattern_starts.token_after_1 = second_words.token
            and pattern_starts.theme = second_words.theme
            and pattern_starts.language = second_words.language
            and pattern_starts.pattern = second_words.pattern
            and second_words.pattern_token_number = 2
    left join word_matches as third_words
        on
            pattern_starts.pattern_length > 2
            and pattern_starts.token_after_2 = third_words.token
            and pattern_starts.theme = third_words.theme
            and pattern_starts.language = third_words.language
            and pattern_starts.pattern = third_words.pattern
            and third_words.pattern_token_number = 3

),

-- a pattern is found where all its words match, in order, one after the other
pattern_matches as (

    select
        response_id,
        clause_number,
        token_number as first_token_number,
        theme,
        loaded_at,
        case pattern_length
            when 1 then token
            when 2 then token || ' ' || second_token
            else token || ' ' || second_token || ' ' || third_token
        end as matched_text

    from followed
    where
        pattern_length = 1
        or (pattern_length = 2 and second_token is not null)
        or (pattern_length = 3 and second_token is not null and third_token is not null)

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
