{#- Runs at on-run-end. The `grants` config grants select on each relation, but on PostgreSQL a
    role also needs usage on the relation's schema: this grants it, for every schema holding a
    model with a select grant, to exactly those grantees, so a read-only BI role reaches the
    marts and no other schema. Schemas not built yet (a partial build) are skipped. -#}
{% macro nps_grant_schema_usage() -%}
    {{ return(adapter.dispatch('nps_grant_schema_usage', 'nps_warehouse')()) }}
{%- endmacro %}

{#- DuckDB has no roles (readers open the file read-only); Spark grants go through the platform's
    own catalogue (Unity Catalog, Ranger), not through this project. -#}
{% macro default__nps_grant_schema_usage() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__nps_grant_schema_usage() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set grantees_by_schema = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- for grantee in (node.config.grants or {}).get('select', []) -%}
            {%- do grantees_by_schema.setdefault(node.schema, []).append(grantee) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not grantees_by_schema -%}
        {{ return('') }}
    {%- endif -%}
    {%- set existing = run_query(
        'select schema_name from information_schema.schemata where schema_name in ('
        ~ "'" ~ (grantees_by_schema.keys() | join("', '")) ~ "')"
    ).columns[0].values() -%}
    {%- set statements = [] -%}
    {%- for schema, grantees in grantees_by_schema.items() if schema in existing -%}
        {%- for grantee in grantees | unique -%}
            {%- do statements.append('grant usage on schema ' ~ adapter.quote(schema) ~ ' to ' ~ adapter.quote(grantee)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
