{#- The materialization of an intermediate model whose SQL is long (the comment masking and
    normalisation of int_nps_responses_enriched): a view, but a table on Spark, whose metastore
    keeps a view's text in 32,700 characters and refuses a longer one. -#}
{% macro long_view_materialization() -%}
    {{ return(adapter.dispatch('long_view_materialization', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__long_view_materialization() -%}
    {{ return('view') }}
{%- endmacro %}

{% macro spark__long_view_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
