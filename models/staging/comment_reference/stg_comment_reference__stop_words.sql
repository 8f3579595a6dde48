with

stop_words as (

    select * from {{ ref('cx_stop_words') }}

),

final as (

    select distinct
        {{ cast_to_text('lower(' ~ trim_whitespace('language') ~ ')') }} as language,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace(cx_fold_comment('term'))) }} as term

    from stop_words

)

select * from final
