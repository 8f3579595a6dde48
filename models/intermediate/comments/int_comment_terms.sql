{#- The terms of each comment the keywords count, once each with how often the comment uses
    them: its words that carry a topic (letters, two or more, no stop word of French or English)
    and each two of them in a row in a clause (the stop words between them left out).
    Incremental: the comments of the responses published since the last run, or all of them
    when the stop words changed (cx_comment_incremental.sql); the keywords then add up counts
    instead of reading every token, or counting every comment's terms, again. -#}
-- depends_on: {{ ref('fct_nps_responses') }}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read('stop_words') }}",
) }}

with

tokens as (

    select * from {{ ref('int_comment_tokens') }}
    {%- if is_incremental() %}
    where loaded_at > {{ cx_comment_watermark('stop_words') }}
    {%- endif %}

),

stop_words as (

    select * from {{ ref('stg_comment_reference__stop_words') }}

),

fingerprints as (

    select * from {{ ref('int_comment_reference_fingerprints') }}
    where reference = 'stop_words'

),

{%- set settings = cx_comment_settings() %}

kept_words as (

    select
        tokens.response_id,
        tokens.clause_number,
        tokens.token_number,
        tokens.token,
        tokens.loaded_at

    from tokens
    left join stop_words
        on
            tokens.token = stop_words.term
            and stop_words.language in ({{ nps_literal_list(settings.languages) }})
    where
        tokens.is_word
        and stop_words.term is null
        and length(tokens.token) >= 2
        and not {{ regexp_full_match('tokens.token', '[0-9]+') }}

),

-- two kept words in a row of one clause (the stop words between them left out)
kept_pairs as (

    select
        response_id,
        clause_number,
        token_number,
        token,
        loaded_at,
        lead(token) over (partition by response_id, clause_number order by token_number) as next_token

    from kept_words

),

-- each term of a comment once, with how often the comment uses it, in one scan of the pairs:
-- a word is counted by (response, word), a phrase by (response, word, next word). The
-- response's rows share one loaded_at.
pair_counts as (

    select
        response_id,
        token,
        next_token,
        cast(count(*) as bigint) as occurrences,
        max(loaded_at) as loaded_at,
        grouping(next_token) as is_word_count

    from kept_pairs
    -- sqlfluff's DuckDB dialect does not parse grouping sets (DuckDB, PostgreSQL and Spark do)
    group by grouping sets ((response_id, token), (response_id, token, next_token))  -- noqa: PRS

),

-- the phrase built once counted; a clause's last word starts no phrase
counted as (

    select
        response_id,
        occurrences,
        loaded_at,
        case when is_word_count = 1 then {{ cast_to_text("'word'") }} else {{ cast_to_text("'phrase'") }} end
            as term_type,
        case when is_word_count = 1 then token else token || ' ' || next_token end as term

    from pair_counts
    where is_word_count = 1 or next_token is not null

),

final as (

    select
        counted.response_id,
        counted.term_type,
        counted.term,
        counted.occurrences,
        counted.loaded_at,
        fingerprints.fingerprint as reference_fingerprint

    from counted
    cross join fingerprints

)

select * from final
