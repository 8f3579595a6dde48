{#- Test scoping for the large incremental tables. A data test configured with
    `where: latest_load` checks only the rows of the latest load; one configured with
    `where: latest_file_loads` (on a relation keyed by load_id) the file loads the latest build
    staged; one configured with `where: latest_load_responses` (on a relation with a
    response_id and a loaded_at, the comment models) every row of the responses with a row of
    the latest load, the older rows of those responses included, so that a key test also finds
    a key a rewrite left twice (an older row beside the new one); one configured with
    `where: latest_load_keys` the same for the keys of an incremental model's unique_key (the
    ranked rows, see nps_latest_load_keys_subquery). The latest load is made of
    the rows whose loaded_at is the latest of the staging table (every row after a full
    refresh; after an incremental run, the raw rows it read and the responses it published), so
    a test costs what the new data costs rather than the whole history. The latest load is read
    from staging, a cheap scan, even when the tested relation is a view such as the audit. var
    nps_test_all_rows = true checks every row on every build (a nightly job). Any other `where`
    works as in dbt. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scoped = where in ['latest_load', 'latest_load_responses', 'latest_load_keys', 'latest_file_loads'] -%}
    {%- if scoped and var('nps_test_all_rows') | string | lower in ['true', '1', 'yes'] -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- if where == 'latest_load' -%}
        {%- set programme = nps_programme_staged_relations() -%}
        {#- the other sources load on their own rhythm: their latest load is their own, read from
            their staging table (never by evaluating an audit view twice) -#}
        {%- set staging = programme.get(relation.identifier, 'stg_nps_survey__responses') -%}
        {#- a relation with a load_id (the audits) is also bounded by the load's first file: the
            same rows (a load's rows have its load ids), but a constant on load_id reaches the
            raw table through the audit's join on load_id, which DuckDB would otherwise read
            whole to build the join's hash table (1.6 s instead of 0.3 s on 22.7M invitations) -#}
        {%- set first_file = nps_latest_load_first_file(staging) if nps_has_column(relation, 'load_id') else none -%}
        {%- set filtered -%}
            (select * from {{ relation }} where loaded_at = {{ nps_latest_load(staging) }}
            {%- if first_file is not none %} and load_id >= {{ first_file }}{% endif %}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {%- if where == 'latest_load_responses' -%}
        {%- set latest = nps_latest_load() -%}
        {#- every row of the latest load (a full refresh): the whole relation, without a
            semi-join that would cost a second read of it (when it is built: dbt compile and
            docs compile the tests of an empty warehouse too) -#}
        {%- if nps_is_built(relation) -%}
            {%- set older = run_query(
                'select count(*) from (select 1 from ' ~ relation ~ ' where loaded_at < ' ~ latest
                ~ ' limit 1) as older_rows'
            ).columns[0].values()[0] -%}
            {%- if older == 0 -%}
                {{ return(relation) }}
            {%- endif -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where response_id in (
                select response_id from {{ relation }} where loaded_at = {{ latest }}
            )) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {%- if where == 'latest_load_keys' -%}
        {{ return(nps_latest_load_keys_subquery(relation)) }}
    {%- endif -%}
    {%- if where == 'latest_file_loads' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where load_id >= {{ nps_latest_load_first_file() }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
{%- endmacro %}

{#- `where: latest_load_keys`, for an incremental model kept by delete+insert on one key column
    (its unique_key; the ranked rows of the programme's sources): every row of the keys with a
    row of the table's latest load (its max(loaded_at), see nps_latest_load), their older rows
    included. A run replaces every row of each key it touches, so the rows one raw row can have
    all carry one key and were written together: a key test on the touched keys' rows finds a
    row ranked twice, and the keys the run did not touch were checked when they were written.
    The whole relation when that does not hold: a full refresh (every row rewritten), a model
    built as a table (Spark), a relation not built yet (dbt compile or docs on an empty
    warehouse). A key rewritten only because a seed changed (a channel alias) keeps its
    loaded_at: the nightly run (nps_test_all_rows) checks it. -#}
{% macro nps_latest_load_keys_subquery(relation) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set nodes = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('schema', 'equalto', relation.schema)
        | selectattr('alias', 'equalto', relation.identifier)
        | list -%}
    {%- set config = nodes[0].config if nodes else {} -%}
    {%- set key = config.get('unique_key') -%}
    {%- if config.get('materialized') != 'incremental' or key is not string -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- if not nps_is_built(relation) -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ key }} in (
            select {{ key }} from {{ relation }} where loaded_at = {{ nps_latest_load(nodes[0].name) }}
        )) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}

{#- The latest load, max(loaded_at) of a staging table (`staging`, the responses' by default), as
    a timestamp literal read when the test runs: a constant lets DuckDB skip row groups of older
    loads and size joins from the filtered side. A subquery when staging is empty or not built;
    a null placeholder while dbt parses. -#}
{% macro nps_latest_load(staging='stg_nps_survey__responses') -%}
    {%- if not execute -%}
        {{ return('cast(null as timestamp)') }}
    {%- endif -%}
    {%- set subquery = '(select max(loaded_at) from ' ~ nps_model_relation(staging) ~ ')' -%}
    {%- if nps_model_relation(staging, must_exist=true) is none -%}
        {{ return(subquery) }}
    {%- endif -%}
    {%- set latest = run_query(
        'select cast(max(loaded_at) as ' ~ text_type() ~ ') from ' ~ nps_model_relation(staging)
    ).columns[0].values()[0] -%}
    {%- if latest is none -%}
        {{ return(subquery) }}
    {%- endif -%}
    {{ return("cast('" ~ latest ~ "' as timestamp)") }}
{%- endmacro %}

{#- The first file load (load_id) of the latest load of a staging table (`staging`, the
    responses' by default), as a literal (0 when staging is empty or not built), so a report keyed
    by load_id is tested on the files of the latest build. -#}
{% macro nps_latest_load_first_file(staging='stg_nps_survey__responses') -%}
    {%- if not execute or nps_model_relation(staging, must_exist=true) is none -%}
        {{ return('0') }}
    {%- endif -%}
    {%- set first = run_query(
        'select min(load_id) from ' ~ nps_model_relation(staging) ~ ' where loaded_at = ' ~ nps_latest_load(staging)
    ).columns[0].values()[0] -%}
    {{ return('0' if first is none else (first | int | string)) }}
{%- endmacro %}

{#- Whether a built relation has a column (false while dbt parses, or when it is not built). -#}
{% macro nps_has_column(relation, column) -%}
    {%- if not nps_is_built(relation) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {{ return(column | lower in names) }}
{%- endmacro %}

{#- Whether a relation exists in the warehouse (false while dbt parses): dbt compile and docs
    compile the tests of an empty warehouse too. -#}
{% macro nps_is_built(relation) -%}
    {{ return(execute and adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) is not none) }}
{%- endmacro %}

{#- The relations of the programme's other sources (their staging tables and audits) that tests
    scope to their own latest load, each with the staging table that load is read from. -#}
{% macro nps_programme_staged_relations() -%}
    {%- set staging = {
        'customers': 'stg_crm__customers',
        'agents': 'stg_workforce__agents',
        'interactions': 'stg_contact_centre__interactions',
        'invitations': 'stg_nps_survey__invitations',
        'case_events': 'stg_crm__case_events',
        'agent_engagement': 'stg_workforce__engagement_answers',
    } -%}
    {%- set relations = {} -%}
    {%- for source, audit in cx_source_audits().items() -%}
        {%- do relations.update({staging[source]: staging[source], audit: staging[source]}) -%}
    {%- endfor -%}
    {{ return(relations) }}
{%- endmacro %}
