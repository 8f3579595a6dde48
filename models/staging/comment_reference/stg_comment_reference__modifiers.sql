with

modifiers as (

    select * from {{ ref('cx_sentiment_modifiers') }}

),

final as (

    select
        {{ cast_to_text('lower(' ~ trim_whitespace('language') ~ ')') }} as language,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace(cx_fold_comment('term'))) }} as term,
        {{ cast_to_text('lower(' ~ trim_whitespace('kind') ~ ')') }} as kind,
        cast(weight as numeric(6, 3)) as weight

    from modifiers

)

select * from final
