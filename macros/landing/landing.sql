{#- Landing happens before dbt: scripts/load_landing.py (run by `make build`) reads the landing
    config and writes every new file's rows into <nps_raw_schema>.raw_<source>, and one row per
    file into <nps_raw_schema>.landing_file_loads, on every engine. These macros are dbt's side
    of it: the check that the raw tables are there and consistent with staging, the feeds'
    parse settings, and the watermark of the loads staging holds. -#}

{#- on-run-start: a build (or run) needs the raw tables, and staging must hold loads the load
    log knows: the raw tables reloaded from scratch (load_landing.py --full-refresh) call for a
    full rebuild too. Raises before any model runs, so the marts of the last good build stay. -#}
{% macro nps_check_landing() -%}
    {%- if not execute or flags.WHICH not in ['build', 'run'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set raw = nps_raw_relation('raw_responses') -%}
    {%- set loads = nps_raw_relation('landing_file_loads') -%}
    {%- if raw is none or loads is none -%}
        {{ exceptions.raise_compiler_error(
            'The raw tables ' ~ var('nps_raw_schema') ~ '.raw_responses and '
            ~ var('nps_raw_schema') ~ '.landing_file_loads are not there: load the landing files first'
            ~ ' with `.venv/bin/python scripts/load_landing.py` (`make build` runs it before dbt build).'
            ~ ' Nothing was built.'
        ) }}
    {%- endif -%}
    {%- set staging = nps_staging_relation(must_exist=true) -%}
    {%- if staging is none or flags.FULL_REFRESH -%}
        {{ return('select 1 as landing_checked') }}
    {%- endif -%}
    {%- if staging.is_view or 'load_id' not in nps_relation_column_names(staging) -%}
        {{ exceptions.raise_compiler_error(
            staging ~ ' was built by an earlier version of this project. Reload and rebuild the'
            ~ ' warehouse once: `make build DBT_ARGS=--full-refresh`. Nothing was built.'
        ) }}
    {%- endif -%}
    {%- set latest = run_query('select max(load_id) from ' ~ staging).columns[0].values()[0] -%}
    {%- if latest is not none -%}
        {%- set known = run_query(
            'select count(*) from ' ~ loads ~ ' where load_id = ' ~ (latest | int)
        ).columns[0].values()[0] -%}
        {%- if known | int == 0 -%}
            {{ exceptions.raise_compiler_error(
                'The raw tables were reloaded from scratch (load_landing.py --full-refresh) since'
                ~ ' staging was built: rebuild every model from them with `dbt build --full-refresh`'
                ~ ' (or `make build DBT_ARGS=--full-refresh`). Nothing was built.'
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('select 1 as landing_checked') }}
{%- endmacro %}

{#- A relation of the raw schema, or none when it does not exist. -#}
{% macro nps_raw_relation(identifier) -%}
    {{ return(adapter.get_relation(database=target.database, schema=var('nps_raw_schema'), identifier=identifier)) }}
{%- endmacro %}

{#- The parse settings of every feed whose files the raw tables hold, from the load log:
    [{'feed_name': ..., 'timestamp_formats': [...], 'decimal_mark': ...}]. A loaded file's feed
    settings cannot change without a full reload (the loader refuses), so these are the
    settings every row of a feed was loaded under. The var nps_landing_feed_settings replaces
    them (unit tests). Empty while dbt parses, or before the first load. -#}
{% macro nps_landing_feed_settings() -%}
    {%- set override = var('nps_landing_feed_settings', none) -%}
    {%- if override is not none -%}
        {{ return(override) }}
    {%- endif -%}
    {%- set log = source('landing', 'landing_file_loads') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(database=log.database, schema=log.schema, identifier=log.identifier) -%}
    {%- if relation is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set rows = run_query(
        'select distinct feed_name, timestamp_formats, decimal_mark from ' ~ relation ~ ' order by feed_name'
    ) -%}
    {%- set feeds = [] -%}
    {%- for row in rows.rows -%}
        {%- do feeds.append({
            'feed_name': row[0],
            'timestamp_formats': fromjson(row[1]),
            'decimal_mark': row[2],
        }) -%}
    {%- endfor -%}
    {{ return(feeds) }}
{%- endmacro %}

{#- The latest load staging holds (max(load_id) of the table), as a literal read now, so the raw
    table's scan prunes to the newer loads; 0 before the first build. Only in is_incremental(). -#}
{% macro nps_staged_load_watermark(relation) -%}
    {%- if not execute -%}
        {{ return('0') }}
    {%- endif -%}
    {%- set latest = run_query('select max(load_id) from ' ~ relation).columns[0].values()[0] -%}
    {{ return('0' if latest is none else (latest | int | string)) }}
{%- endmacro %}

{#- The (lower-case) column names of a relation. -#}
{% macro nps_relation_column_names(relation) -%}
    {{ return(adapter.dispatch('nps_relation_column_names', 'nps_warehouse')(relation)) }}
{%- endmacro %}

{#- run_query on information_schema, not adapter.get_columns_in_relation: that one opens a
    transaction the hook never commits. -#}
{% macro default__nps_relation_column_names(relation) -%}
    {%- set names = run_query(
        "select column_name from information_schema.columns where table_schema = '" ~ relation.schema
        ~ "' and table_name = '" ~ relation.identifier ~ "'"
    ).columns[0].values() -%}
    {{ return(names | map('lower') | list) }}
{%- endmacro %}

{#- Spark has no information_schema (and no transactions): describe the relation. -#}
{% macro spark__nps_relation_column_names(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{#- The staging table stg_nps_survey__responses, found through the graph (no ref: hooks and
    tests call this without depending on the model). With must_exist, none when it is not built. -#}
{% macro nps_staging_relation(must_exist=false) -%}
    {{ return(nps_model_relation('stg_nps_survey__responses', must_exist)) }}
{%- endmacro %}

{#- A model's relation, found through the graph; with must_exist, none when it is not built. -#}
{% macro nps_model_relation(name, must_exist=false) -%}
    {%- set node = graph.nodes.get('model.nps_warehouse.' ~ name) -%}
    {%- if must_exist -%}
        {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endif -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}
