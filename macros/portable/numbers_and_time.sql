{#- Integer, timestamp and calendar helpers, per engine. -#}

{#- Integer division of two non-negative integers (truncating). -#}
{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide', 'nps_warehouse')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{#- Spark: `/` returns a double or a decimal; `div` truncates and returns a bigint. -#}
{% macro spark__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}

{#- Text 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' (already validated) to a timestamp without time zone. -#}
{% macro cast_to_timestamp(expr) -%}
    {{ return(adapter.dispatch('cast_to_timestamp', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__cast_to_timestamp(expr) -%}
    cast({{ expr }} as timestamp)
{%- endmacro %}

{#- Spark: timestamp_ntz explicitly (a plain `timestamp` is TIMESTAMP_NTZ only through the
    profile's spark.sql.timestampType), so the text is never read in the session's time zone;
    try_cast, so a day that does not exist is null whatever spark.sql.ansi.enabled says. -#}
{% macro spark__cast_to_timestamp(expr) -%}
    try_cast({{ expr }} as timestamp_ntz)
{%- endmacro %}

{#- The calendar date, in time zone `timezone`, of a UTC timestamp without time zone. -#}
{% macro utc_to_local_date(utc_timestamp, timezone) -%}
    {{ return(adapter.dispatch('utc_to_local_date', 'nps_warehouse')(utc_timestamp, timezone)) }}
{%- endmacro %}

{% macro default__utc_to_local_date(utc_timestamp, timezone) -%}
    cast(({{ utc_timestamp }} at time zone 'UTC') at time zone '{{ timezone }}' as date)
{%- endmacro %}

{% macro duckdb__utc_to_local_date(utc_timestamp, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ utc_timestamp }} as date)
    {%- else -%}
        cast(timezone('{{ timezone }}', timezone('UTC', {{ utc_timestamp }})) as date)
    {%- endif -%}
{%- endmacro %}

{#- Spark: convert_timezone on a timestamp_ntz, which no session time zone takes part in. -#}
{% macro spark__utc_to_local_date(utc_timestamp, timezone) -%}
    {%- if timezone | upper == 'UTC' -%}
        cast({{ utc_timestamp }} as date)
    {%- else -%}
        cast(convert_timezone('UTC', '{{ timezone }}', {{ utc_timestamp }}) as date)
    {%- endif -%}
{%- endmacro %}

{#- ISO day of the week of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'nps_warehouse')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}

{#- Spark: weekday() is 0 = Monday ... 6 = Sunday. -#}
{% macro spark__iso_day_of_week(date_expr) -%}
    cast(weekday({{ date_expr }}) + 1 as integer)
{%- endmacro %}

{#- One row per day, column `date_day`, from `start_date` to `end_date` inclusive (both SQL
    expressions of type date, typically scalar subqueries); no rows when either is null. -#}
{% macro date_spine_days(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_spine_days', 'nps_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_spine_days(start_date, end_date) -%}
    select cast(day_value as date) as date_day
    from generate_series(
        cast(({{ start_date }}) as timestamp),
        cast(({{ end_date }}) as timestamp),
        interval '1 day'
    ) as days (day_value)
{%- endmacro %}

{#- Spark: sequence() of dates, one row each; sequence of nulls is null, and exploding null gives
    no rows. -#}
{% macro spark__date_spine_days(start_date, end_date) -%}
    select explode(sequence(
        cast(({{ start_date }}) as date),
        cast(({{ end_date }}) as date),
        interval 1 day
    )) as date_day
{%- endmacro %}

{#- Microseconds from the timestamp `start` to the timestamp `end`, as a bigint. -#}
{% macro microseconds_between(start, end) -%}
    {{ return(adapter.dispatch('microseconds_between', 'nps_warehouse')(start, end)) }}
{%- endmacro %}

{#- PostgreSQL: extract(epoch ...) of an interval is numeric, so exact to the microsecond. -#}
{% macro default__microseconds_between(start, end) -%}
    cast(extract(epoch from ({{ end }} - {{ start }})) * 1000000 as bigint)
{%- endmacro %}

{% macro duckdb__microseconds_between(start, end) -%}
    (epoch_us({{ end }}) - epoch_us({{ start }}))
{%- endmacro %}

{% macro spark__microseconds_between(start, end) -%}
    (unix_micros({{ end }}) - unix_micros({{ start }}))
{%- endmacro %}

{#- The median of a numeric expression (the mean of the two middle values for an even count), as
    a double; null for no value. -#}
{% macro median_of(expr) -%}
    {{ return(adapter.dispatch('median_of', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__median_of(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median_of(expr) -%}
    quantile_cont({{ expr }}, 0.5)
{%- endmacro %}

{#- Spark: percentile is exact and interpolates, as percentile_cont. -#}
{% macro spark__median_of(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- `date_expr` (a date) plus `days` days (an integer expression, negative for earlier), as a
    date. -#}
{% macro add_days_to_date(date_expr, days) -%}
    {{ return(adapter.dispatch('add_days_to_date', 'nps_warehouse')(date_expr, days)) }}
{%- endmacro %}

{% macro default__add_days_to_date(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{#- Spark: date_add keeps a date (dbt-spark's dateadd goes through unix timestamps and returns
    null for a date on this version). -#}
{% macro spark__add_days_to_date(date_expr, days) -%}
    date_add({{ date_expr }}, cast({{ days }} as int))
{%- endmacro %}

{#- `date_expr` (a date) plus `months` calendar months (negative for earlier), as a date; the
    day of month is kept, or the month's last day when it has fewer days. -#}
{% macro add_months_to_date(date_expr, months) -%}
    {{ return(adapter.dispatch('add_months_to_date', 'nps_warehouse')(date_expr, months)) }}
{%- endmacro %}

{% macro default__add_months_to_date(date_expr, months) -%}
    cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}

{% macro spark__add_months_to_date(date_expr, months) -%}
    add_months({{ date_expr }}, cast({{ months }} as int))
{%- endmacro %}

{#- The timestamp `ts` plus `hours` hours (an integer expression), as a timestamp. -#}
{% macro add_hours_to_timestamp(ts, hours) -%}
    {{ return(adapter.dispatch('add_hours_to_timestamp', 'nps_warehouse')(ts, hours)) }}
{%- endmacro %}

{% macro default__add_hours_to_timestamp(ts, hours) -%}
    ({{ ts }} + ({{ hours }}) * interval '1 hour')
{%- endmacro %}

{#- Spark: a day-time interval keeps the microseconds (a timestamp plus it stays timestamp_ntz). -#}
{% macro spark__add_hours_to_timestamp(ts, hours) -%}
    ({{ ts }} + make_dt_interval(0, cast({{ hours }} as int), 0, 0))
{%- endmacro %}
