{#- A trimmed ISO-8601 text to a UTC timestamp (without time zone), or null when it is not
    YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]] with an optional offset - Z, +HH:MM, +HHMM or +HH (or the
    same with -), with or without one space before it - or names a day that does not exist.
    A text without an offset is a local time in `timezone` (a SQL expression naming an IANA
    zone per row, such as the column source_timezone; none or 'UTC' = UTC), placed in time by
    nps_local_to_utc. Only string and integer arithmetic is used before the final cast, so
    neither the session's nor the machine's time zone plays any part. `offset_length` may name
    a column holding nps_iso8601_offset_length of the text, computed once (staging does). -#}
{% macro parse_iso8601_utc(text, timezone=none, offset_length=none) -%}
    {%- set length = offset_length if offset_length is not none else nps_iso8601_offset_length(text) -%}
    {{ return(adapter.dispatch('parse_iso8601_utc', 'nps_warehouse')(text, timezone, length)) }}
{%- endmacro %}

{#- The pattern every accepted submitted_at text matches, whole. -#}
{% macro nps_iso8601_pattern() -%}
    {{ return('[12][0-9]{3}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?( ?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))?') }}
{%- endmacro %}

{#- The number of characters of a vetted text's offset (0 when it has none). Once the pattern
    has matched, the layout fixes where a sign can be: 6 characters from the end for +HH:MM, 5
    for +HHMM, 3 for +HH (the date's hyphens are at least 9 from the end). -#}
{% macro nps_iso8601_offset_length(text) -%}
    (case
        when right({{ text }}, 1) = 'Z' then 1
        when substring({{ text }}, length({{ text }}) - 5, 1) in ('+', '-') then 6
        when substring({{ text }}, length({{ text }}) - 4, 1) in ('+', '-') then 5
        when substring({{ text }}, length({{ text }}) - 2, 1) in ('+', '-') then 3
        else 0
    end)
{%- endmacro %}

{#- The local date and time of a vetted text, 'YYYY-MM-DD HH:MM[:SS[.f]]': the offset and the
    space before it removed, T replaced by a space. `length` is the offset's length (a column
    computed once, or nps_iso8601_offset_length). -#}
{% macro nps_iso8601_local_text(text, length) -%}
    replace(rtrim(left({{ text }}, length({{ text }}) - {{ length }})), 'T', ' ')
{%- endmacro %}

{#- The offset of a vetted text in minutes east of UTC (Z = 0); null when it has none. -#}
{% macro nps_iso8601_offset_minutes(text, length) -%}
    {%- set sign_position = 'length(' ~ text ~ ') - ' ~ length ~ ' + 1' -%}
    (case
        when {{ length }} = 0 then null
        when {{ length }} = 1 then 0
        else
            (case when substring({{ text }}, {{ sign_position }}, 1) = '-' then -1 else 1 end)
            * (
                cast(substring({{ text }}, {{ sign_position }} + 1, 2) as integer) * 60
                + (case when {{ length }} = 3 then 0 else cast(right({{ text }}, 2) as integer) end)
            )
    end)
{%- endmacro %}

{#- Standard SQL: the calendar is checked in integer arithmetic before the cast. -#}
{% macro default__parse_iso8601_utc(text, timezone, length) -%}
    {%- set year = 'cast(substring(' ~ text ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substring(' ~ text ~ ', 6, 2) as integer)' -%}
    {%- set day = 'cast(substring(' ~ text ~ ', 9, 2) as integer)' -%}
    {%- set offset_minutes = nps_iso8601_offset_minutes(text, length) -%}
    {%- set local = cast_to_timestamp(nps_iso8601_local_text(text, length)) -%}
    {#- Nested cases: the integer casts only ever see text the pattern has already vetted
        (engines do not short-circuit `and`). -#}
    case
        when {{ regexp_full_match(text, nps_iso8601_pattern()) }} then
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
                    then
                        case
                            when {{ offset_minutes }} is null then {{ nps_local_to_utc(local, timezone) }}
                            else {{ dbt.dateadd('minute', '-1 * ' ~ offset_minutes, local) }}
                        end
            end
    end
{%- endmacro %}

{#- DuckDB: try_cast rejects days that do not exist (2026-02-29, 2026-04-31); about five times
    faster than the standard version on large loads. -#}
{% macro duckdb__parse_iso8601_utc(text, timezone, length) -%}
    {%- set local = 'try_cast(' ~ nps_iso8601_local_text(text, length) ~ ' as timestamp)' -%}
    {%- set offset_minutes = nps_iso8601_offset_minutes(text, length) -%}
    case
        when {{ regexp_full_match(text, nps_iso8601_pattern()) }} then
            case
                when {{ offset_minutes }} is null then {{ nps_local_to_utc(local, timezone) }}
                else {{ local }} - to_minutes({{ offset_minutes }})
            end
    end
{%- endmacro %}

{#- Spark: try_cast (in cast_to_timestamp) rejects days that do not exist, and timestampadd
    applies the offset without losing the fraction of a second (dbt.dateadd on Spark goes
    through whole Unix seconds). -#}
{% macro spark__parse_iso8601_utc(text, timezone, length) -%}
    {%- set local = cast_to_timestamp(nps_iso8601_local_text(text, length)) -%}
    {%- set offset_minutes = nps_iso8601_offset_minutes(text, length) -%}
    case
        when {{ regexp_full_match(text, nps_iso8601_pattern()) }} then
            case
                when {{ offset_minutes }} is null then {{ nps_local_to_utc(local, timezone) }}
                else timestampadd(minute, -1 * {{ offset_minutes }}, {{ local }})
            end
    end
{%- endmacro %}

{#- ------------------------------------------------------------------------------------------
    Local times. A timestamp written without an offset is a wall-clock time in the row's time
    zone (its feed's `timezone`, or the zone a Qualtrics export names). Two rules settle the
    hours a daylight-saving change makes odd, the same on every engine:
      - ambiguous (the clocks go back and the hour happens twice): the later instant, in
        standard time (2026-10-25 02:30 in Europe/Paris is 01:30 UTC, not 00:30);
      - nonexistent (the clocks go forward and the hour is skipped): read with the offset in
        force before the change, so it lands that much after the change (2026-03-29 02:30 in
        Europe/Paris is 01:30 UTC, i.e. 03:30 summer time).
    DuckDB (ICU) and PostgreSQL do exactly this; Spark (java.time) takes the earlier instant
    of an ambiguous time, so its version moves those to the later one.
------------------------------------------------------------------------------------------- -#}

{#- A local timestamp in time zone `timezone` (a SQL expression; none = UTC) to UTC. -#}
{% macro nps_local_to_utc(local, timezone) -%}
    {%- if timezone is none or timezone | lower == "'utc'" -%}
        {{ return(local) }}
    {%- endif -%}
    {{ return(adapter.dispatch('nps_local_to_utc', 'nps_warehouse')(local, timezone)) }}
{%- endmacro %}

{% macro default__nps_local_to_utc(local, timezone) -%}
    (case
        when {{ timezone }} = 'UTC' then {{ local }}
        else cast((({{ local }}) at time zone {{ timezone }}) at time zone 'UTC' as timestamp)
    end)
{%- endmacro %}

{% macro duckdb__nps_local_to_utc(local, timezone) -%}
    (case
        when {{ timezone }} = 'UTC' then {{ local }}
        else timezone('UTC', timezone({{ timezone }}, {{ local }}))
    end)
{%- endmacro %}

{#- Spark: convert_timezone gives the earlier instant of an ambiguous time; the later one uses
    the offset in force a day later, and is taken when it exists (it reads back as the same
    local time) and is later. -#}
{% macro spark__nps_local_to_utc(local, timezone) -%}
    {%- set earlier = 'convert_timezone(' ~ timezone ~ ", 'UTC', " ~ local ~ ')' -%}
    {%- set day_after = 'timestampadd(day, 1, ' ~ earlier ~ ')' -%}
    {%- set offset_after = "timestampdiff(second, " ~ day_after ~ ", convert_timezone('UTC', " ~ timezone ~ ", " ~ day_after ~ "))" -%}
    {%- set later = 'timestampadd(second, -1 * ' ~ offset_after ~ ', ' ~ local ~ ')' -%}
    (case
        when {{ timezone }} = 'UTC' then {{ local }}
        when {{ later }} > {{ earlier }}
            and convert_timezone('UTC', {{ timezone }}, {{ later }}) = {{ local }}
            then {{ later }}
        else {{ earlier }}
    end)
{%- endmacro %}
