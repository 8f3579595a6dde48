{#- The metric_issues of a row: the issue code (cx_metric_issues) of every metric written but
    invalid, in the order of `metrics` ({metric: (text column, parsed column)}), separated by
    ", "; null when there is none. -#}
{% macro cx_metric_issues_list(metrics) -%}
    {%- set issues = cx_metric_issues() -%}
    {%- set cases = [] -%}
    {%- for metric, columns in metrics.items() -%}
        {%- do cases.append(
            'case when ' ~ columns[0] ~ ' is not null and ' ~ columns[1] ~ ' is null then '
            ~ nps_literal('metric_issue', issues[metric]) ~ ' end'
        ) -%}
    {%- endfor -%}
    {{ cast_to_text("nullif(concat_ws(', ', " ~ cases | join(', ') ~ "), '')") }}
{%- endmacro %}
