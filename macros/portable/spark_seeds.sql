{#- Seeds on Spark. dbt-spark's own spark__load_csv_rows splices each value between single
    quotes without escaping them, so a seed value holding a quote (the region name "Provence-
    Alpes-Côte d'Azur") breaks the insert. This version writes every value as an escaped SQL
    literal instead of a binding; the table, the types and the batches are dbt-spark's. It
    overrides dbt-spark's through the project's dispatch search order for the dbt namespace
    (dbt_project.yml). Other engines keep their own seed loading. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
            ({%- for value in row -%}
                cast({{ nps_sql_literal(value) }} as {{ types[loop.index0] }}){{ ', ' if not loop.last }}
            {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}

{#- A seed value (text, number, boolean, date or null, as agate read it) as a Spark SQL literal:
    text between single quotes, with backslashes and quotes escaped. -#}
{% macro nps_sql_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
