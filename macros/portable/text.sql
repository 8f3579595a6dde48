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

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}
