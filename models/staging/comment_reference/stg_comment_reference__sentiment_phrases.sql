{#- The sentiment phrases cut into the tokens they match, in order: a phrase found on
    consecutive tokens of a clause weighs its own valence, and its words are read no more one
    by one ("rien à redire", "merci de", "no big deal"). -#}

with

phrases as (

    select * from {{ ref('cx_sentiment_phrases') }}

),

folded as (

    select
        {{ cast_to_text('lower(' ~ trim_whitespace('language') ~ ')') }} as language,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace(cx_fold_comment('phrase'))) }} as phrase,
        cast(valence as numeric(6, 3)) as valence

    from phrases

),

phrase_tokens as (

    {{ regexp_matches_table(
        'folded', ['language', 'phrase', 'valence'], 'phrase', cx_token_pattern(), 'phrase_token', 'token_number'
    ) }}

),

final as (

    select
        language,  -- noqa: RF04
        phrase,
        token_number,
        phrase_token,
        valence,
        cast(count(*) over (partition by language, phrase) as integer) as phrase_length

    from phrase_tokens

)

select * from final
