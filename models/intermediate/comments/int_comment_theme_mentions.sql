{#- Where each comment mentions a theme: the taxonomy's patterns found on consecutive tokens of
    one clause. The tokens are matched on the comments' vocabulary first (every distinct token,
    far fewer than the tokens), so that the prefix patterns compare each word once. -#}
{{ config(materialized='table') }}

with

tokens as (

    select * from {{ ref('int_comment_tokens') }}

),

languages as (

    select * from {{ ref('int_comment_languages') }}

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

-- the comments' tokens that match a pattern token of their language (other languages: both)
token_matches as (

    select
        tokens.response_id,
        tokens.clause_number,
        tokens.token,
        word_matches.theme,
        word_matches.language,  -- noqa: RF04
        word_matches.pattern,
        word_matches.pattern_token_number,
        word_matches.pattern_length,
        tokens.token_number - word_matches.pattern_token_number as match_offset

    from tokens
    inner join languages
        on tokens.response_id = languages.response_id
    inner join word_matches
        on
            tokens.token = word_matches.token
            and (
                languages.comment_language = word_matches.language
                or languages.comment_language = '{{ settings.other_language }}'
            )

),

-- a pattern is found where all its tokens match, in order, one after the other
pattern_matches as (

    select
        response_id,
        clause_number,
        theme,
        pattern,
        match_offset + 1 as first_token_number,
        {{ cast_to_text(
            "concat_ws(' ', "
            ~ "max(case when pattern_token_number = 1 then token end), "
            ~ "max(case when pattern_token_number = 2 then token end), "
            ~ "max(case when pattern_token_number = 3 then token end))"
        ) }} as matched_text

    from token_matches
    group by response_id, clause_number, match_offset, theme, language, pattern, pattern_length
    having count(*) = pattern_length

),

final as (

    select distinct
        response_id,
        theme,
        clause_number,
        first_token_number,
        matched_text

    from pattern_matches

)

select * from final
