{#- The settings of the statistics, from vars, checked once: the confidence level of every
    interval and test, the minimum responses under which a cell is flagged and never tested,
    and the alert thresholds. The constants of each supported level live here and nowhere
    else. -#}

{#- The supported confidence levels: the two-sided normal quantile z (to double precision) and
    the significance level alpha = 1 - level of the tests. -#}
{% macro cx_confidence_levels() -%}
    {{ return({
        '0.90': {'z': '1.6448536269514722e0', 'alpha': '0.10'},
        '0.95': {'z': '1.959963984540054e0', 'alpha': '0.05'},
        '0.99': {'z': '2.5758293035489004e0', 'alpha': '0.01'},
    }) }}
{%- endmacro %}

{#- The constants of var cx_confidence_level (default 0.95), or a compile error naming the
    supported levels. -#}
{% macro cx_confidence() -%}
    {%- set level = var('cx_confidence_level', 0.95) -%}
    {%- set levels = cx_confidence_levels() -%}
    {%- set key = '%.2f' | format(level | float) if (level | string) | trim != '' else '' -%}
    {%- if key not in levels or ((level | float) - (key | float)) | abs > 0.000001 -%}
        {{ exceptions.raise_compiler_error(
            "var cx_confidence_level is " ~ level ~ "; supported levels are "
            ~ (levels.keys() | join(', ')) ~ " (set it in dbt_project.yml or --vars)."
        ) }}
    {%- endif -%}
    {{ return(levels[key]) }}
{%- endmacro %}

{#- z of the confidence level, as a double. -#}
{% macro cx_z() -%}
    {{ cast_to_double(cx_confidence()['z']) }}
{%- endmacro %}

{#- alpha = 1 - confidence level, as a double: a test is significant when p < alpha. -#}
{% macro cx_alpha() -%}
    {{ cast_to_double(cx_confidence()['alpha']) }}
{%- endmacro %}

{#- A var that must be a number within [minimum, maximum], or a compile error naming it. -#}
{% macro cx_number_var(name, default, minimum, maximum, integer=false) -%}
    {%- set value = var(name, default) -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]+(\\.[0-9]+)?', text)
        or (integer and '.' in text)
        or (text | float) < minimum or (text | float) > maximum -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " is " ~ value ~ "; it must be " ~ ("a whole number" if integer else "a number")
            ~ " from " ~ minimum ~ " to " ~ maximum ~ " (set it in dbt_project.yml or --vars)."
        ) }}
    {%- endif -%}
    {{ return(text | int if integer else text) }}
{%- endmacro %}

{#- var cx_min_responses (default 30): a cell with fewer responses is flagged
    is_below_min_responses and never tested. -#}
{% macro cx_min_responses() -%}
    {{ return(cx_number_var('cx_min_responses', 30, 1, 1000000000, integer=true)) }}
{%- endmacro %}

{#- var cx_agent_min_responses (default 10): an agent's month with fewer NPS responses is
    flagged is_below_min_responses in fct_agent_performance and not ranked. Apart from
    cx_min_responses, because an agent answers for far fewer responses than a region. -#}
{% macro cx_agent_min_responses() -%}
    {{ return(cx_number_var('cx_agent_min_responses', 10, 1, 1000000000, integer=true)) }}
{%- endmacro %}

{#- var cx_shrinkage_k (default 20): the weight, in responses, of the NPS an agent's (a team's, a
    site's) NPS is shrunk toward: nps_shrunk = (n NPS + k target) / (n + k). A whole number, so
    the shrunk NPS is an exact ratio of integers; 0 publishes the plain NPS. -#}
{% macro cx_shrinkage_k() -%}
    {{ return(cx_number_var('cx_shrinkage_k', 20, 0, 1000000, integer=true)) }}
{%- endmacro %}

{#- var cx_engagement_min_responses (default 5): a team's quarter with fewer eNPS answers of its
    employees is flagged is_enps_below_min_responses in rpt_team_engagement and left out of the
    correlation with customer NPS. -#}
{% macro cx_engagement_min_responses() -%}
    {{ return(cx_number_var('cx_engagement_min_responses', 5, 1, 1000000000, integer=true)) }}
{%- endmacro %}

{#- The alert thresholds (fct_cx_alerts): the false discovery rate under which an alert fires
    (var cx_alert_fdr), the trailing days of the detractor spike (var
    cx_alert_detractor_window_days) and the gap, in the metric's points, from which an alert is
    of high severity (var cx_alert_high_severity, a mapping by metric). -#}
{% macro cx_alert_settings() -%}
    {%- set severity = {'nps': 10, 'csat_pct': 10, 'ces_mean': 0.5, 'detractor_share': 10} -%}
    {%- set given = var('cx_alert_high_severity', {}) -%}
    {%- if given is not mapping or (given.keys() | reject('in', severity.keys()) | list) -%}
        {{ exceptions.raise_compiler_error(
            "var cx_alert_high_severity is " ~ given ~ "; it must map some of "
            ~ (severity.keys() | join(', ')) ~ " to a number of points."
        ) }}
    {%- endif -%}
    {%- do severity.update(given) -%}
    {{ return({
        'fdr': cx_number_var('cx_alert_fdr', 0.05, 0, 1),
        'detractor_window_days': cx_number_var('cx_alert_detractor_window_days', 28, 1, 3660, integer=true),
        'high_severity': severity,
    }) }}
{%- endmacro %}

{#- The period grains of fct_cx_by_period, each with its dim_date column. -#}
{% macro cx_period_grains() -%}
    {{ return(['week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#- The windows of fct_cx_rolling, in days. -#}
{% macro cx_rolling_windows() -%}
    {{ return([7, 30, 90]) }}
{%- endmacro %}

{#- The grains of an alert's period: those of fct_cx_by_period, and day (a detractor spike). -#}
{% macro cx_alert_period_grains() -%}
    {{ return(cx_period_grains() + ['day']) }}
{%- endmacro %}

{#- The date `periods` periods of `grain` after `date_expr` (before, when negative), as a date:
    weeks in days and quarters and years in months, which every engine's interval arithmetic
    knows (PostgreSQL has no quarter interval). -#}
{% macro cx_add_periods(grain, periods, date_expr) -%}
    {%- set units = {'week': ('day', 7), 'month': ('month', 1), 'quarter': ('month', 3), 'year': ('month', 12)} -%}
    {%- if grain not in units -%}
        {{ exceptions.raise_compiler_error("Unknown period grain '" ~ grain ~ "'; expected one of " ~ units.keys() | join(', ')) }}
    {%- endif -%}
    {%- set unit, size = units[grain] -%}
    {%- if unit == 'day' -%}
        {{ add_days_to_date(date_expr, periods * size) }}
    {%- else -%}
        {{ add_months_to_date(date_expr, periods * size) }}
    {%- endif -%}
{%- endmacro %}
