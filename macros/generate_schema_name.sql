{#- Plain schema names (staging, intermediate, marts, seeds) instead of dbt's default
    <target_schema>_<custom_schema>, so BI users query marts.fct_nps_daily on every target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
