{#- A trimmed ISO-8601 text to a UTC timestamp (without time zone), or null when it is not
    YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]] with an optional Z or +HH:MM / -HH:MM offset (none = UTC),
    or names a day that does not exist. Only string and integer arithmetic is used before the
    final cast, so neither the session's nor the machine's time zone plays any part. -#}
{% macro parse_iso8601_utc(text) -%}
    {{ return(adapter.dispatch('parse_iso8601_utc', 'nps_warehouse')(text)) }}
{%- endmacro %}

{#- The pattern every accepted submitted_at text matches, whole. -#}
{% macro nps_iso8601_pattern() -%}
    {{ return('[12][0-9]{3}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?') }}
{%- endmacro %}

{#- Standard SQL: regular expressions pick the offset apart; the calendar is checked in integer
    arithmetic before the cast. -#}
{% macro default__parse_iso8601_utc(text) -%}
    {%- set pattern = nps_iso8601_pattern() -%}
    {%- set year = 'cast(substring(' ~ text ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substring(' ~ text ~ ', 6, 2) as integer)' -%}
    {%- set day = 'cast(substring(' ~ text ~ ', 9, 2) as integer)' -%}
    {%- set offset_text = regexp_extract_group(text, '([+-][0-9]{2}:[0-9]{2})$', 1) -%}
    {%- set offset_minutes -%}
        coalesce(
            (case when substring({{ offset_text }}, 1, 1) = '-' then -1 else 1 end)
            * (
                cast(substring({{ offset_text }}, 2, 2) as integer) * 60
                + cast(substring({{ offset_text }}, 5, 2) as integer)
            ),
            0
        )
    {%- endset -%}
    {%- set local_text = "replace(" ~ regexp_replace_all(text, '(Z|[+-][0-9]{2}:[0-9]{2})$', '') ~ ", 'T', ' ')" -%}
    {#- Nested cases: the integer casts only ever see text the pattern has already vetted
        (engines do not short-circuit `and`). -#}
    case
        when {{ regexp_full_match(text, pattern) }} then
            case
                when {{ month }} between 1 and 12
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
                    then {{ dbt.dateadd('minute', '-1 * ' ~ offset_minutes, cast_to_timestamp(local_text)) }}
            end
    end
{%- endmacro %}

{#- DuckDB: one regular expression validates the text; as it fixes the layout, the offset sits
    at fixed positions from the end (a sign 6 characters from the end can only be an offset),
    and try_cast rejects days that do not exist (2026-02-29, 2026-04-31). About five times
    faster than the standard version on large loads. -#}
{% macro duckdb__parse_iso8601_utc(text) -%}
    {%- set sign = 'substring(' ~ text ~ ', length(' ~ text ~ ') - 5, 1)' -%}
    case
        when {{ regexp_full_match(text, nps_iso8601_pattern()) }} then
            try_cast(
                replace(
                    case
                        when right({{ text }}, 1) = 'Z' then left({{ text }}, length({{ text }}) - 1)
                        when {{ sign }} in ('+', '-') then left({{ text }}, length({{ text }}) - 6)
                        else {{ text }}
                    end,
                    'T',
                    ' '
                ) as timestamp
            )
            - to_minutes(
                case
                    when {{ sign }} in ('+', '-') then
                        (case when {{ sign }} = '-' then -1 else 1 end)
                        * (
                            cast(substring({{ text }}, length({{ text }}) - 4, 2) as integer) * 60
                            + cast(right({{ text }}, 2) as integer)
                        )
                    else 0
                end
            )
    end
{%- endmacro %}

{#- Spark: as DuckDB - one regular expression validates, the offset sits at fixed positions from
    the end, try_cast (in cast_to_timestamp) rejects days that do not exist - and timestampadd
    applies the offset without losing the fraction of a second (dbt.dateadd on Spark goes
    through whole Unix seconds). -#}
{% macro spark__parse_iso8601_utc(text) -%}
    {%- set sign = 'substring(' ~ text ~ ', length(' ~ text ~ ') - 5, 1)' -%}
    {%- set local_text -%}
        replace(
            case
                when right({{ text }}, 1) = 'Z' then left({{ text }}, length({{ text }}) - 1)
                when {{ sign }} in ('+', '-') then left({{ text }}, length({{ text }}) - 6)
                else {{ text }}
            end,
            'T',
            ' '
        )
    {%- endset -%}
    case
        when {{ regexp_full_match(text, nps_iso8601_pattern()) }} then
            timestampadd(
                minute,
                case
                    when {{ sign }} in ('+', '-') then
                        (case when {{ sign }} = '-' then 1 else -1 end)
                        * (
                            cast(substring({{ text }}, length({{ text }}) - 4, 2) as integer) * 60
                            + cast(right({{ text }}, 2) as integer)
                        )
                    else 0
                end,
                {{ cast_to_timestamp(local_text) }}
            )
    end
{%- endmacro %}
