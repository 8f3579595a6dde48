{#- A trimmed score text to its integer value, or null when it is not an integer 0-10 with
    optional leading zeros and an optional all-zero decimal part ("08", "9.0", "10.00"). -#}
{% macro parse_nps_score(score_text) -%}
    {{ return(adapter.dispatch('parse_nps_score', 'nps_warehouse')(score_text)) }}
{%- endmacro %}

{% macro default__parse_nps_score(score_text) -%}
    {%- set bounds = nps_score_bounds() -%}
    {%- set value = 'cast(' ~ regexp_extract_group(score_text, '^0*([0-9]{1,2})', 1) ~ ' as integer)' -%}
    {#- Nested cases: the cast only ever sees text the pattern has already vetted. -#}
    case
        when {{ regexp_full_match(score_text, '0*[0-9]{1,2}([.]0+)?') }} then
            case
                when {{ value }} between {{ bounds.min_score }} and {{ bounds.max_score }} then {{ value }}
            end
    end
{%- endmacro %}

{#- DuckDB: once the pattern has matched, the integer part is the text before any '.', so no
    second regular expression is needed. -#}
{% macro duckdb__parse_nps_score(score_text) -%}
    {%- set bounds = nps_score_bounds() -%}
    {%- set value = "cast(split_part(" ~ score_text ~ ", '.', 1) as integer)" -%}
    case
        when {{ regexp_full_match(score_text, '0*[0-9]{1,2}([.]0+)?') }} then
            case
                when {{ value }} between {{ bounds.min_score }} and {{ bounds.max_score }} then {{ value }}
            end
    end
{%- endmacro %}

{#- Spark: as DuckDB, the integer part is the text before any '.'. -#}
{% macro spark__parse_nps_score(score_text) -%}
    {%- set bounds = nps_score_bounds() -%}
    {%- set value = "cast(split_part(" ~ score_text ~ ", '.', 1) as integer)" -%}
    case
        when {{ regexp_full_match(score_text, '0*[0-9]{1,2}([.]0+)?') }} then
            case
                when {{ value }} between {{ bounds.min_score }} and {{ bounds.max_score }} then {{ value }}
            end
    end
{%- endmacro %}
