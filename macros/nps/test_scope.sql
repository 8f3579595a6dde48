{#- Test scoping for the large incremental tables. A data test configured with
    `where: latest_load` checks only the rows of the latest load: rows whose loaded_at is the
    latest of the staging table (every row after a full refresh; after an incremental run, the
    raw rows it read and the responses it published), so a test costs what the new data costs
    rather than the whole history. The latest load is read from staging, a cheap scan, even
    when the tested relation is a view such as the audit. var nps_test_all_rows = true checks
    every row on every build (a nightly job). Any other `where` works as in dbt. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == 'latest_load' -%}
        {%- if var('nps_test_all_rows') | string | lower in ['true', '1', 'yes'] -%}
            {{ return(relation) }}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where loaded_at = {{ nps_latest_load() }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}

{#- Subquery of the latest load: max(loaded_at) of the staging table. -#}
{% macro nps_latest_load() -%}
    (select max(loaded_at) from {{ nps_staging_relation() }})
{%- endmacro %}
