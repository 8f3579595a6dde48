{#- Regular expressions, per engine. Patterns avoid backslashes ([0-9], [.]) so that they mean
    the same in every engine's string literals. -#}

{#- true when the whole of `expr` matches `pattern` (the pattern is anchored here). -#}
{% macro regexp_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'nps_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expr, pattern) -%}
    ({{ expr }} ~ '^({{ pattern }})$')
{%- endmacro %}

{% macro duckdb__regexp_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{#- Spark (Java regular expressions): Java's `$` also matches before a line terminator that ends
    the text ("9" followed by U+2028 would pass), so the end is asserted as "no character
    follows" instead, in dot-all mode so that no character is exempt. -#}
{% macro spark__regexp_full_match(expr, pattern) -%}
    regexp_like({{ expr }}, '^(?:{{ pattern }})(?!(?s:.))')
{%- endmacro %}

{#- The text captured by group `group` of the first match, or null when nothing matches. -#}
{% macro regexp_extract_group(expr, pattern, group) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'nps_warehouse')(expr, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract_group(expr, pattern, group) -%}
    (regexp_match({{ expr }}, '{{ pattern }}'))[{{ group }}]
{%- endmacro %}

{% macro duckdb__regexp_extract_group(expr, pattern, group) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{#- Spark: regexp_extract returns '' when nothing matches, as DuckDB's does. -#}
{% macro spark__regexp_extract_group(expr, pattern, group) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{#- `expr` with every match of `pattern` replaced by `replacement`. -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'nps_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- Spark: regexp_replace replaces every match; it takes no flags. -#}
{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}
