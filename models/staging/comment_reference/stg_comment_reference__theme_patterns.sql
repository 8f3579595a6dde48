{#- The taxonomy's patterns cut into the tokens they match, in order: a token ending in "*"
    matches every token it begins. -#}

with

themes as (

    select * from {{ ref('cx_comment_themes') }}

),

folded as (

    select distinct
        {{ cast_to_text('lower(' ~ trim_whitespace('theme') ~ ')') }} as theme,
        {{ cast_to_text('lower(' ~ trim_whitespace('language') ~ ')') }} as language,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace(cx_fold_comment('pattern'))) }} as pattern

    from themes

),

pattern_tokens as (

    {{ regexp_matches_table(
        'folded', ['theme', 'language', 'pattern'], 'pattern', '[^ ]+', 'pattern_token', 'token_number'
    ) }}

),

final as (

    select
        theme,
        language,  -- noqa: RF04
        pattern,
        token_number,
        cast(count(*) over (partition by theme, language, pattern) as integer) as pattern_length,
        {{ cast_to_text("replace(pattern_token, '*', '')") }} as pattern_token,
        pattern_token like '%*' as is_prefix

    from pattern_tokens

)

select * from final
