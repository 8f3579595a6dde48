{#- The language of each comment, told by its stop words: the language of the seed
    cx_stop_words whose words it uses most, when that is French or English and no other
    language ties with it; `other` otherwise (another language, or no stop word at all, as in
    most comments of a word or two). Incremental: the comments of the responses published since
    the last run, or all of them when the stop words changed (cx_comment_incremental.sql). -#}
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

word_counts as (

    select
        response_id,
        cast(sum(case when is_word then 1 else 0 end) as integer) as word_count,
        max(loaded_at) as loaded_at

    from tokens
    group by response_id

),

language_hits as (

    select
        tokens.response_id,
        stop_words.language,  -- noqa: RF04
        count(*) as hits

    from tokens
    inner join stop_words
        on tokens.token = stop_words.term
    group by tokens.response_id, stop_words.language

),

ranked as (

    select
        response_id,
        language,  -- noqa: RF04
        hits,
        rank() over (partition by response_id order by hits desc) as hits_rank,
        count(*) over (partition by response_id, hits) as languages_with_as_many

    from language_hits

),

winners as (

    select
        response_id,
        language  -- noqa: RF04

    from ranked
    where hits_rank = 1 and languages_with_as_many = 1

),

final as (

    {%- set settings = cx_comment_settings() %}

    select
        word_counts.response_id,
        word_counts.word_count,
        {{ cast_to_text(
            "case when winners.language in (" ~ nps_literal_list(settings.languages)
            ~ ") then winners.language else '" ~ settings.other_language ~ "' end"
        ) }} as comment_language,
        word_counts.loaded_at,
        fingerprints.fingerprint as reference_fingerprint

    from word_counts
    cross join fingerprints
    left join winners
        on word_counts.response_id = winners.response_id

)

select * from final
