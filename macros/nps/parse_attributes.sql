{#- Parsers of the attributes of the programme's sources (customers, agents, interactions): a
    value that does not parse is null, and the audit names it in attribute_issues. -#}

{#- A trimmed text 'YYYY-MM-DD' that is a real calendar date (year 0001 or later), as a date;
    else null. -#}
{% macro parse_iso_date(text) -%}
    {{ return(adapter.dispatch('parse_iso_date', 'nps_warehouse')(text)) }}
{%- endmacro %}

{% macro default__parse_iso_date(text) -%}
    {%- set year = 'cast(substr(' ~ text ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substr(' ~ text ~ ', 6, 2) as integer)' -%}
    {%- set day = 'cast(substr(' ~ text ~ ', 9, 2) as integer)' -%}
    {#- Nested cases: the casts only see text the pattern has vetted. -#}
    case
        when {{ regexp_full_match(text, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} then
            case
                when {{ year }} >= 1
                    and {{ month }} between 1 and 12
                    and {{ day }} between 1 and (
                        case
                            when {{ month }} in (4, 6, 9, 11) then 30
                            when {{ month }} = 2 then
                                case
                                    when ({{ year }} % 4 = 0 and {{ year }} % 100 <> 0) or {{ year }} % 400 = 0 then 29
                                    else 28
                                end
                            else 31
                        end
                    )
                    then cast({{ text }} as date)
            end
    end
{%- endmacro %}

{#- DuckDB: try_cast rejects the days that do not exist. -#}
{% macro duckdb__parse_iso_date(text) -%}
    case
        when {{ regexp_full_match(text, '[0-9]{4}-[0-9]{2}-[0-9]{2}') }} and substr({{ text }}, 1, 4) <> '0000'
            then try_cast({{ text }} as date)
    end
{%- endmacro %}

{#- A trimmed text of digits only as a bigint (a count of seconds or of transfers); else null. -#}
{% macro parse_whole_number(text) -%}
    case
        when {{ regexp_full_match(text, '[0-9]{1,15}') }} then cast({{ text }} as bigint)
    end
{%- endmacro %}

{#- The spellings of a yes/no field (trimmed, lower-cased): true / false. -#}
{% macro cx_boolean_spellings() -%}
    {{ return({
        'true': ['true', 'yes', '1', 'y', 'oui', 't'],
        'false': ['false', 'no', '0', 'n', 'non', 'f'],
    }) }}
{%- endmacro %}

{#- A trimmed text as a boolean by cx_boolean_spellings (case-insensitive); else null. -#}
{% macro parse_yes_no(text) -%}
    {%- set spellings = cx_boolean_spellings() -%}
    case
        when lower({{ text }}) in ({{ nps_literal_list(spellings['true']) }}) then true
        when lower({{ text }}) in ({{ nps_literal_list(spellings['false']) }}) then false
    end
{%- endmacro %}

{#- A source row's attribute_issues: the issue of every attribute written (its text not null) but
    unparsed (its value null), in the order of `attributes` ({issue: (text, value)}), separated by
    ", "; null when there is none. -#}
{% macro cx_attribute_issues_list(attributes) -%}
    {%- set cases = [] -%}
    {%- for issue, columns in attributes.items() -%}
        {%- do cases.append(
            'case when ' ~ columns[0] ~ ' is not null and ' ~ columns[1] ~ " is null then '" ~ issue ~ "' end"
        ) -%}
    {%- endfor -%}
    {{ cast_to_text("nullif(concat_ws(', ', " ~ cases | join(', ') ~ "), '')") }}
{%- endmacro %}
