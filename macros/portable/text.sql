{#- Text helpers, per engine. -#}

{#- `expr` without leading and trailing spaces, tabs, carriage returns and line feeds. -#}
{% macro trim_whitespace(expr) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expr) -%}
    btrim({{ expr }}, {{ whitespace_characters() }})
{%- endmacro %}

{% macro duckdb__trim_whitespace(expr) -%}
    trim({{ expr }}, {{ whitespace_characters() }})
{%- endmacro %}

{#- space, tab, carriage return, line feed as one SQL string literal. -#}
{% macro whitespace_characters() -%}
    {{ return(adapter.dispatch('whitespace_characters', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__whitespace_characters() -%}
    ' ' || chr(9) || chr(13) || chr(10)
{%- endmacro %}

{#- `expr` with accents removed (é -> e, Ç -> C). -#}
{% macro strip_accents(expr) -%}
    {{ return(adapter.dispatch('strip_accents', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__strip_accents(expr) -%}
    translate(
        {{ expr }},
        'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ',
        'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY'
    )
{%- endmacro %}

{#- PostgreSQL: decompose (NFD), drop the combining marks (the blocks Latin, Greek and Cyrillic
    accents use), recompose (NFC): the same as DuckDB's strip_accents on those scripts. Needs a
    UTF8 database. -#}
{% macro postgres__strip_accents(expr) -%}
    {%- set marks = [(768, 879), (6832, 6911), (7616, 7679), (8400, 8447), (65056, 65071)] -%}
    normalize(
        regexp_replace(
            normalize({{ expr }}, nfd),
            '[' || {% for first, last in marks -%}
                chr({{ first }}) || '-' || chr({{ last }}) || {% endfor -%} ']',
            '',
            'g'
        ),
        nfc
    )
{%- endmacro %}

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}
