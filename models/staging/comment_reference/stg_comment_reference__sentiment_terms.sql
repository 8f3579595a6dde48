{#- The sentiment lexicon the comments are read with: the project's CX vocabulary
    (cx_sentiment_domain_terms) over the general lexicons (cx_sentiment_lexicon), terms folded
    as comments are. -#}

with

lexicon as (

    select * from {{ ref('cx_sentiment_lexicon') }}

),

domain_terms as (

    select * from {{ ref('cx_sentiment_domain_terms') }}

),

lexicon_folded as (

    select
        {{ cast_to_text('lower(' ~ trim_whitespace('language') ~ ')') }} as language,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace(cx_fold_comment('term'))) }} as term,
        cast(valence as numeric(6, 3)) as valence,
        {{ cast_to_text('source') }} as source  -- noqa: RF04

    from lexicon

),

domain_folded as (

    select
        {{ cast_to_text('lower(' ~ trim_whitespace('language') ~ ')') }} as language,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace(cx_fold_comment('term'))) }} as term,
        cast(valence as numeric(6, 3)) as valence,
        {{ cast_to_text("'cx_sentiment_domain_terms'") }} as source  -- noqa: RF04

    from domain_terms

),

final as (

    select * from domain_folded

    union all

    select lexicon_folded.*
    from lexicon_folded
    left join domain_folded
        on
            lexicon_folded.language = domain_folded.language
            and lexicon_folded.term = domain_folded.term
    where domain_folded.term is null

)

select * from final
