{#- A trimmed metric text to its integer value, or null when it is not an integer of the
    metric's scale (cx_metric_bounds: score 0-10, csat_score 1-5, ces_score 1-7) with optional
    leading zeros and an optional all-zero decimal part ("08", "9.0", "10.00"), the decimal
    mark being `decimal_mark` ("." or ","). -#}
{% macro parse_score(score_text, metric='score', decimal_mark='.') -%}
    {%- if decimal_mark not in ['.', ','] -%}
        {{ exceptions.raise_compiler_error("decimal_mark must be '.' or ',', got '" ~ decimal_mark ~ "'") }}
    {%- endif -%}
    {%- set bounds = cx_metric_bounds() -%}
    {%- if metric not in bounds -%}
        {{ exceptions.raise_compiler_error("Unknown metric '" ~ metric ~ "'; expected one of " ~ bounds.keys() | join(', ')) }}
    {%- endif -%}
    {{ return(adapter.dispatch('parse_score', 'nps_warehouse')(score_text, bounds[metric], decimal_mark)) }}
{%- endmacro %}

{#- The NPS score (0-10) of a trimmed text. -#}
{% macro parse_nps_score(score_text, decimal_mark='.') -%}
    {{ return(parse_score(score_text, 'score', decimal_mark)) }}
{%- endmacro %}

{% macro default__parse_score(score_text, bounds, decimal_mark) -%}
    {%- set value = 'cast(' ~ regexp_extract_group(score_text, '^0*([0-9]{1,2})', 1) ~ ' as integer)' -%}
    {#- Nested cases: the cast only ever sees text the pattern has already vetted. -#}
    case
        when {{ regexp_full_match(score_text, '0*[0-9]{1,2}([' ~ decimal_mark ~ ']0+)?') }} then
            case
                when {{ value }} between {{ bounds.min_score }} and {{ bounds.max_score }} then {{ value }}
            end
    end
{%- endmacro %}

{#- DuckDB: once the pattern has matched, the integer part is the text before any decimal
    mark, so no second regular expression is needed. -#}
{% macro duckdb__parse_score(score_text, bounds, decimal_mark) -%}
    {%- set value = "cast(split_part(" ~ score_text ~ ", '" ~ decimal_mark ~ "', 1) as integer)" -%}
    case
        when {{ regexp_full_match(score_text, '0*[0-9]{1,2}([' ~ decimal_mark ~ ']0+)?') }} then
            case
                when {{ value }} between {{ bounds.min_score }} and {{ bounds.max_score }} then {{ value }}
            end
    end
{%- endmacro %}

{#- Spark: as DuckDB, the integer part is the text before any decimal mark. -#}
{% macro spark__parse_score(score_text, bounds, decimal_mark) -%}
    {%- set value = "cast(split_part(" ~ score_text ~ ", '" ~ decimal_mark ~ "', 1) as integer)" -%}
    case
        when {{ regexp_full_match(score_text, '0*[0-9]{1,2}([' ~ decimal_mark ~ ']0+)?') }} then
            case
                when {{ value }} between {{ bounds.min_score }} and {{ bounds.max_score }} then {{ value }}
            end
    end
{%- endmacro %}
