{#- Runs first at on-run-start: applies the engine's resource limits for this invocation.
    On DuckDB each knob comes from a var, else an environment variable, else a default:

      var nps_duckdb_memory_limit   NPS_DUCKDB_MEMORY_LIMIT   3GB    memory_limit
      var nps_duckdb_threads        NPS_DUCKDB_THREADS        (all cores) threads
      var nps_duckdb_temp_directory NPS_DUCKDB_TEMP_DIR       <database>.tmp  temp_directory

    DuckDB spills sorts, joins and aggregates beyond memory_limit to temp_directory, so a build
    larger than memory finishes instead of failing. Insertion order is not preserved: no model
    depends on the physical order of a table, and order-preserving writes are much slower. -#}
{% macro nps_configure_engine() -%}
    {{ return(adapter.dispatch('nps_configure_engine', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__nps_configure_engine() -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__nps_configure_engine() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set settings = nps_duckdb_settings() -%}
    {%- set statements = [] -%}
    {%- for name, value in settings.items() -%}
        {%- do statements.append("set " ~ name ~ " = '" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do statements.append('set preserve_insertion_order = false') -%}
    {%- for statement in statements -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- do log('DuckDB settings: ' ~ (statements | join('; ')), info=true) -%}
    {{ return('select 1 as configured') }}
{%- endmacro %}

{#- The DuckDB settings this invocation asks for, as a dict; a knob left empty keeps DuckDB's
    own default. -#}
{% macro nps_duckdb_settings() -%}
    {%- set knobs = [
        ('memory_limit', 'nps_duckdb_memory_limit', 'NPS_DUCKDB_MEMORY_LIMIT', '3GB'),
        ('threads', 'nps_duckdb_threads', 'NPS_DUCKDB_THREADS', ''),
        ('temp_directory', 'nps_duckdb_temp_directory', 'NPS_DUCKDB_TEMP_DIR', ''),
    ] -%}
    {%- set settings = {} -%}
    {%- for setting, var_name, env_name, default in knobs -%}
        {%- set value = var(var_name, env_var(env_name, default)) | string | trim -%}
        {%- if value != '' -%}
            {%- do settings.update({setting: value}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(settings) }}
{%- endmacro %}

{#- A pre-hook of the statistics marts: their intervals and tests are long expressions over a few
    thousand rows, which PostgreSQL's JIT compiler takes minutes (and gigabytes) to compile for
    a query that runs in a second without it. Other engines need nothing. -#}
{% macro nps_without_jit() -%}
    {{ return(adapter.dispatch('nps_without_jit', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__nps_without_jit() -%}
    {{ return('') }}
{%- endmacro %}

{% macro postgres__nps_without_jit() -%}
    set jit = off
{%- endmacro %}
