{#- A trimmed ISO-8601 text to a UTC timestamp (without time zone), or null when it is not
    YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]] with an optional Z or +HH:MM / -HH:MM offset (none = UTC),
    or names a day that does not exist. Only string and integer arithmetic is used before the
    final cast, so neither the session's nor the machine's time zone plays any part. -#}
{% macro parse_iso8601_utc(text) -%}
    {%- set pattern = '[12][0-9]{3}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?' -%}
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
