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

{#- true when `pattern` matches somewhere in `expr` (unanchored); null for a null text. -#}
{% macro regexp_contains(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains', 'nps_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_contains(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_contains(expr, pattern) -%}
    regexp_like({{ expr }}, '{{ pattern }}')
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

{#- Capture group `group` of the `n`-th match of `pattern` in `expr` (1-based), or null when
    there are fewer matches. -#}
{% macro regexp_nth_group(expr, pattern, n, group) -%}
    {{ return(adapter.dispatch('regexp_nth_group', 'nps_warehouse')(expr, pattern, n, group)) }}
{%- endmacro %}

{#- PostgreSQL 15 and later. -#}
{% macro default__regexp_nth_group(expr, pattern, n, group) -%}
    regexp_substr({{ expr }}, '{{ pattern }}', 1, {{ n }}, '', {{ group }})
{%- endmacro %}

{% macro duckdb__regexp_nth_group(expr, pattern, n, group) -%}
    regexp_extract_all({{ expr }}, '{{ pattern }}', {{ group }})[{{ n }}]
{%- endmacro %}

{% macro spark__regexp_nth_group(expr, pattern, n, group) -%}
    try_element_at(regexp_extract_all({{ expr }}, '{{ pattern }}', {{ group }}), {{ n }})
{%- endmacro %}

{#- How a replacement of regexp_replace_all names capture group `group`. -#}
{% macro regexp_group_reference(group) -%}
    {{ return(adapter.dispatch('regexp_group_reference', 'nps_warehouse')(group)) }}
{%- endmacro %}

{% macro default__regexp_group_reference(group) -%}
    {{ return('\\' ~ group) }}
{%- endmacro %}

{#- Spark (Java): $1, not \1. -#}
{% macro spark__regexp_group_reference(group) -%}
    {{ return('$' ~ group) }}
{%- endmacro %}

{#- A select of every match of `pattern` in `text` (a column of `relation`), one row per
    match: the columns `keep` of the relation, the match as `match_alias` and its position
    among the matches (1-based) as `ordinal_alias`, and with `following` > 0 the matches after
    it as `<match_alias>_after_1` .. `_after_<following>` (null past the last): a phrase of
    several words is then found on one row, without joining the matches to themselves. The
    pattern has no capture group. -#}
{% macro regexp_matches_table(relation, keep, text, pattern, match_alias, ordinal_alias, following=0) -%}
    {{ return(adapter.dispatch('regexp_matches_table', 'nps_warehouse')(
        relation, keep, text, pattern, match_alias, ordinal_alias, following)) }}
{%- endmacro %}

{#- PostgreSQL: regexp_matches with the g flag yields one array per match (the whole match
    when the pattern captures nothing); the matches after one are read from the array of all
    of them. -#}
{% macro default__regexp_matches_table(relation, keep, text, pattern, match_alias, ordinal_alias, following=0) -%}
    select
        {% for column in keep %}with_matches.{{ column }},
        {% endfor -%}
        found.match_text as {{ match_alias }},
        cast(found.match_ordinal as integer) as {{ ordinal_alias }}
        {%- for step in range(1, following + 1) %},
        with_matches.matches[found.match_ordinal + {{ step }}] as {{ match_alias }}_after_{{ step }}
        {%- endfor %}
    from (
        select
            {% for column in keep %}{{ column }},
            {% endfor -%}
            array(
                select each_match.match_array[1]
                from regexp_matches({{ text }}, '{{ pattern }}', 'g')
                    with ordinality as each_match (match_array, match_ordinal)
                order by each_match.match_ordinal
            ) as matches
        from {{ relation }}
    ) as with_matches
    cross join lateral unnest(with_matches.matches)
        with ordinality as found (match_text, match_ordinal)
{%- endmacro %}

{#- DuckDB: the positions are unnested beside the list of matches, which is then indexed
    (1-based; null past its end). -#}
{% macro duckdb__regexp_matches_table(relation, keep, text, pattern, match_alias, ordinal_alias, following=0) -%}
    select
        {% for column in keep %}{{ column }},
        {% endfor -%}
        found[match_position] as {{ match_alias }},
        cast(match_position as integer) as {{ ordinal_alias }}
        {%- for step in range(1, following + 1) %},
        found[match_position + {{ step }}] as {{ match_alias }}_after_{{ step }}
        {%- endfor %}
    from (
        select
            {% for column in keep %}{{ column }},
            {% endfor -%}
            found,
            unnest(range(1, len(found) + 1)) as match_position
        from (
            select
                {% for column in keep %}{{ column }},
                {% endfor -%}
                regexp_extract_all({{ text }}, '{{ pattern }}') as found
            from {{ relation }}
        ) as with_matches
    ) as positions
{%- endmacro %}

{#- Spark: posexplode of regexp_extract_all in a lateral view; the matches after one are read
    from the array (try_element_at: null past its end). -#}
{% macro spark__regexp_matches_table(relation, keep, text, pattern, match_alias, ordinal_alias, following=0) -%}
    select
        {% for column in keep %}with_matches.{{ column }},
        {% endfor -%}
        found.match_text as {{ match_alias }},
        cast(found.match_position + 1 as integer) as {{ ordinal_alias }}
        {%- for step in range(1, following + 1) %},
        try_element_at(with_matches.matches, found.match_position + {{ step + 1 }}) as {{ match_alias }}_after_{{ step }}
        {%- endfor %}
    from (
        select
            {% for column in keep %}{{ column }},
            {% endfor -%}
            regexp_extract_all({{ text }}, '{{ pattern }}', 0) as matches
        from {{ relation }}
    ) as with_matches
    lateral view posexplode(with_matches.matches) found as match_position, match_text
{%- endmacro %}
