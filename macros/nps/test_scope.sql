{#- Test scoping for the large incremental tables. A data test configured with
    `where: latest_load` checks only the rows of the latest load (loaded_at = max(loaded_at))
    of the relation it tests: after a full refresh that is every row; after an incremental run,
    the rows that run wrote, so a test costs what the new data costs rather than the whole
    history. var nps_test_all_rows = true checks every row on every build (a nightly job).
    Any other `where` works as in dbt. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == 'latest_load' -%}
        {%- if var('nps_test_all_rows') | string | lower in ['true', '1', 'yes'] -%}
            {{ return(relation) }}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where loaded_at = (select max(loaded_at) from {{ relation }})) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}
