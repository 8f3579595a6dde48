{#- The sentiment terms and modifiers each comment language reads: French comments the French
    terms, English ones the English terms, both the language-free ones (emojis, emoticons);
    comments in another language read the French and English terms together (a term in both
    weighs the mean of its two valences; a modifier of both counts once). A valence of 0 (the
    project's vocabulary switching a general term off) is no sentiment term. -#}

with

terms as (

    select * from {{ ref('stg_comment_reference__sentiment_terms') }}

),

modifiers as (

    select * from {{ ref('stg_comment_reference__modifiers') }}

),

{%- set settings = cx_comment_settings() %}

reading_languages as (

    {{ cx_text_values('comment_language', cx_comment_languages()) }}

),

language_terms as (

    select
        terms.language as comment_language,
        terms.term,
        cast(terms.valence as numeric(12, 6)) as valence,
        cast(null as {{ text_type() }}) as modifier_kind,
        cast(null as numeric(12, 6)) as modifier_weight

    from terms
    where terms.language in ({{ nps_literal_list(settings.languages) }}) and terms.valence <> 0

    union all

    select
        reading_languages.comment_language,
        terms.term,
        cast(terms.valence as numeric(12, 6)) as valence,
        cast(null as {{ text_type() }}) as modifier_kind,
        cast(null as numeric(12, 6)) as modifier_weight

    from terms
    cross join reading_languages
    where terms.language not in ({{ nps_literal_list(settings.languages) }}) and terms.valence <> 0

    union all

    select
        {{ cast_to_text("'" ~ settings.other_language ~ "'") }} as comment_language,
        term,
        cast(case when count(*) > 1 then sum(valence) * 0.5 else sum(valence) end as numeric(12, 6)) as valence,
        cast(null as {{ text_type() }}) as modifier_kind,
        cast(null as numeric(12, 6)) as modifier_weight

    from terms
    where language in ({{ nps_literal_list(settings.languages) }}) and valence <> 0
    group by term

),

language_modifiers as (

    select
        language as comment_language,
        term,
        cast(null as numeric(12, 6)) as valence,
        kind as modifier_kind,
        cast(weight as numeric(12, 6)) as modifier_weight

    from modifiers
    where language in ({{ nps_literal_list(settings.languages) }})

    union all

    select
        {{ cast_to_text("'" ~ settings.other_language ~ "'") }} as comment_language,
        term,
        cast(null as numeric(12, 6)) as valence,
        min(kind) as modifier_kind,
        cast(max(weight) as numeric(12, 6)) as modifier_weight

    from modifiers
    where language in ({{ nps_literal_list(settings.languages) }})
    group by term

),

final as (

    select * from language_terms
    union all
    select * from language_modifiers

)

select * from final
