{#- How a comment is read (README, "What customers say"): folded, cut into clauses, cut into
    tokens. The settings of the reading live here and nowhere else; the words themselves (the
    lexicons, modifiers, stop words and themes) are seeds a CX team extends. Patterns avoid
    backslashes, so that they mean the same in every engine's string literals. -#}

{#- The constants of the reading:
    - contrast_words: the words that turn a sentence ("conseiller aimable mais attente
      interminable"); the clause before one weighs `before_contrast`, the clause after
      `after_contrast` (VADER's 0.5 and 1.5);
    - modifier_window: a negation, booster or dampener (seed cx_sentiment_modifiers) bears on
      the sentiment words up to this many tokens after it in its clause;
    - booster_decay: a booster or dampener one, two or three tokens before a sentiment word
      adds its weight times this (VADER's 1, 0.95, 0.9) in the direction of the word's valence;
    - normalisation_alpha: score = sum / sqrt(sum^2 + alpha), in (-1, 1) (VADER's 15);
    - masks: the masks of personal data, read as nothing;
    - languages: the languages with lexicons, themes and stop words; any other is `other`. -#}
{% macro cx_comment_settings() -%}
    {{ return({
        'contrast_words': {
            'fr': ['mais', 'cependant', 'pourtant', 'toutefois', 'neanmoins', 'revanche', 'contre'],
            'en': ['but', 'however', 'although', 'nevertheless', 'whereas'],
        },
        'before_contrast': '0.5',
        'after_contrast': '1.5',
        'modifier_window': 3,
        'booster_decay': ['1', '0.95', '0.9'],
        'normalisation_alpha': '15',
        'masks': ['[email]', '[phone]', '[iban]', '[card]'],
        'languages': ['fr', 'en'],
        'other_language': 'other',
        'sentiments': ['positive', 'neutral', 'negative'],
    }) }}
{%- endmacro %}

{#- The token patterns: an emoticon (lower-cased: ":-(", ";)", ":d", "<3"), a word of letters
    and digits, or any other single character outside printable ASCII (an emoji). -#}
{% macro cx_token_pattern() -%}
    {{ return(cx_emoticon_pattern() ~ '|[a-z0-9]+|[^ -~]') }}
{%- endmacro %}

{% macro cx_emoticon_pattern() -%}
    {{ return('[;:=][-^o]?[()dp/|*]|</?3') }}
{%- endmacro %}

{#- A clause: a run of emoticons or characters other than the sentence marks (. ! ? ; ,) and
    the contrast marks; it may begin with "}" (a contrast word came before it) and end with
    "{" (one follows it). -#}
{% macro cx_clause_pattern() -%}
    {{ return('[}]?(?:' ~ cx_emoticon_pattern() ~ '|[^.!?;,{}])+[{]?') }}
{%- endmacro %}

{#- `expr` (a comment, masked) folded for reading: masks removed, lower case, accents
    removed, ligatures spelt out, typographic apostrophes straightened, English "n't" spelt
    " not", line breaks and tabs made sentence ends and spaces, braces made parentheses (they
    mark contrasts), emoji variation selectors and joiners removed. -#}
{% macro cx_fold_comment(expr) -%}
    {%- set settings = cx_comment_settings() -%}
    {#- a namespace: a variable set inside a loop is lost after it -#}
    {%- set folded = namespace(text=expr) -%}
    {%- for mask in settings.masks -%}
        {%- set folded.text = "replace(" ~ folded.text ~ ", '" ~ mask ~ "', ' ')" -%}
    {%- endfor -%}
    {%- set folded.text = 'lower(' ~ strip_accents(folded.text) ~ ')' -%}
    {%- for ligature, spelt in [('Œ', 'oe'), ('Æ', 'ae'), ('œ', 'oe'), ('æ', 'ae'), ('’', "''"), ("n''t", ' not')] -%}
        {%- set folded.text = "replace(" ~ folded.text ~ ", '" ~ ligature ~ "', '" ~ spelt ~ "')" -%}
    {%- endfor -%}
    translate(
        {{ folded.text }},
        '{}' || chr(10) || chr(13) || chr(9) || chr(11) || chr(12) || '{{ "\ufe0e\ufe0f\u200d" }}',
        '()..   '
    )
{%- endmacro %}

{#- `expr` (a folded comment) with the marks "{}" before each contrast word (in place of the
    spaces and commas before it): the clause before it then ends with "{", the clause after it
    begins with "}" and the word itself, which still counts as a word (and a stop word). -#}
{% macro cx_mark_contrasts(expr) -%}
    {%- set words = cx_comment_settings().contrast_words.values() | sum(start=[]) | unique | list -%}
    {%- set word = '(' ~ words | join('|') ~ ')([^a-z0-9]|$)' -%}
    {%- set marks = '{} ' ~ regexp_group_reference(1) ~ regexp_group_reference(2) -%}
    {{ regexp_replace_all(regexp_replace_all(expr, '[ ,]+' ~ word, marks), '^' ~ word, marks) }}
{%- endmacro %}

{#- A sentiment score in [-1, 1] from the sum of a comment's (or clause's) weighted valences,
    rounded half away from zero to four decimals, as numeric(5, 4) (null stays null). -#}
{% macro cx_sentiment_score(valence_sum) -%}
    {%- set sum = cast_to_double(valence_sum) -%}
    {%- set score = '(' ~ sum ~ ' / sqrt(' ~ sum ~ ' * ' ~ sum ~ ' + ' ~ cx_comment_settings().normalisation_alpha ~ '))' -%}
    cast(
        cast(
            (case when {{ score }} < 0 then -1 else 1 end) * floor(abs({{ score }}) * 10000 + 0.5)
            as numeric(6, 0)
        ) * 0.0001
        as numeric(5, 4)
    )
{%- endmacro %}

{#- The sentiment of a score: positive at or above var cx_sentiment_positive_threshold,
    negative at or below var cx_sentiment_negative_threshold, neutral between (and null without
    a score). -#}
{% macro cx_sentiment_label(score) -%}
    {%- set positive = cx_number_var('cx_sentiment_positive_threshold', 0.05, 0, 1) -%}
    {%- set negative = var('cx_sentiment_negative_threshold', -0.05) -%}
    {%- if not modules.re.fullmatch('-?[0-9]+(\\.[0-9]+)?', negative | string | trim)
        or (negative | float) < -1 or (negative | float) > 0 -%}
        {{ exceptions.raise_compiler_error(
            "var cx_sentiment_negative_threshold is " ~ negative ~ "; it must be a number from -1 to 0"
            ~ " (set it in dbt_project.yml or --vars)."
        ) }}
    {%- endif -%}
    cast(case
        when {{ score }} >= {{ positive }} then 'positive'
        when {{ score }} <= {{ negative }} then 'negative'
        when {{ score }} is not null then 'neutral'
    end as {{ text_type() }})
{%- endmacro %}

{#- The values of comment_language: the languages read, and `other`. -#}
{% macro cx_comment_languages() -%}
    {{ return(cx_comment_settings().languages + [cx_comment_settings().other_language]) }}
{%- endmacro %}

{#- The values of a sentiment label. -#}
{% macro cx_sentiments() -%}
    {{ return(cx_comment_settings()['sentiments']) }}
{%- endmacro %}

{#- The share of a booster's or dampener's weight that reaches a sentiment word `distance`
    tokens after it (booster_decay; 0 beyond). -#}
{% macro cx_booster_decay(distance) -%}
    {%- set decay = cx_comment_settings().booster_decay -%}
    case {{ distance }}{% for share in decay %} when {{ loop.index }} then {{ share }}{% endfor %} else 0 end
{%- endmacro %}

{#- A select of one text column `column` with one row per value of `values`. -#}
{% macro cx_text_values(column, values) -%}
    {%- set rows = [] -%}
    {%- for value in values -%}
        {%- do rows.append('select ' ~ cast_to_text("'" ~ value ~ "'") ~ ' as ' ~ column) -%}
    {%- endfor -%}
    {{ rows | join('\n    union all\n    ') }}
{%- endmacro %}

{#- What a modifier row of `relation` adds to the valence of a word `distance` tokens after it:
    a booster's or dampener's weight times its decay; 0 for a negation. -#}
{% macro cx_boost_step(relation, distance) -%}
    case when {{ relation }}.modifier_kind in ('booster', 'dampener') then {{ relation }}.modifier_weight else 0 end
    * {{ cx_booster_decay(distance) }}
{%- endmacro %}
