{#- The fingerprint of each reference the incremental comment models and marts read: when one
    differs from the fingerprint a model's rows were built with, a CX team has edited the seed and the
    model reads every comment again (cx_comment_incremental.sql). Rebuilt on every run, from
    a few thousand seed rows. -#}
{{ config(materialized='table') }}

with

stop_words as (

    {{ cx_relation_fingerprint(ref('stg_comment_reference__stop_words')) }}

),

lexicon as (

    {{ cx_relation_fingerprint(ref('int_comment_lexicon')) }}

),

phrases as (

    {{ cx_relation_fingerprint(ref('stg_comment_reference__sentiment_phrases')) }}

),

theme_patterns as (

    {{ cx_relation_fingerprint(ref('stg_comment_reference__theme_patterns')) }}

),

final as (

    select
        {{ cast_to_text("'stop_words'") }} as reference,
        {{ cast_to_text('relation_md5') }} as fingerprint
    from stop_words

    union all

    -- the sentiment and the themes read the comment's language too, which the stop words decide

    select
        {{ cast_to_text("'sentiment'") }} as reference,
        {{ cast_to_text(
            "md5(stop_words.relation_md5 || '/' || lexicon.relation_md5 || '/' || phrases.relation_md5)"
        ) }} as fingerprint
    from stop_words
    cross join lexicon
    cross join phrases

    union all

    select
        {{ cast_to_text("'themes'") }} as reference,
        {{ cast_to_text("md5(stop_words.relation_md5 || '/' || theme_patterns.relation_md5)") }} as fingerprint
    from stop_words
    cross join theme_patterns

    union all

    -- fct_comment_themes reads the themes and the sentiment of the clauses that mention them

    select
        {{ cast_to_text("'sentiment_and_themes'") }} as reference,
        {{ cast_to_text(
            "md5(stop_words.relation_md5 || '/' || lexicon.relation_md5 || '/' || phrases.relation_md5"
            ~ " || '/' || theme_patterns.relation_md5)"
        ) }} as fingerprint
    from stop_words
    cross join lexicon
    cross join phrases
    cross join theme_patterns

)

select * from final
