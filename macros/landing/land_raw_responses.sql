{#- Runs at on-run-start. On DuckDB the landing files are read in place: this macro resolves
    NPS_RAW_RESPONSES (or the var nps_raw_responses) to a list of files, checks that every file
    has every required column, and returns the statement that (re)creates the raw relation
    <nps_raw_schema>.raw_responses over exactly those files, with each row's source file and
    row number. Any problem raises an error before a single model runs, so the marts of the
    last good build stay as they were. -#}
{% macro land_raw_responses() -%}
    {{ return(adapter.dispatch('land_raw_responses', 'nps_warehouse')()) }}
{%- endmacro %}

{#- Engines that cannot read files in place get the raw table from a loader; nothing to do. -#}
{% macro default__land_raw_responses() -%}
    {{ return('') }}
{%- endmacro %}

{% macro nps_required_raw_columns() -%}
    {{ return([
        'response_id', 'survey_id', 'customer_id', 'submitted_at', 'channel',
        'region', 'segment', 'agent_id', 'score', 'comment',
    ]) }}
{%- endmacro %}

{% macro nps_landing_spec() -%}
    {{ return(var('nps_raw_responses', env_var('NPS_RAW_RESPONSES', 'data/demo')) | trim) }}
{%- endmacro %}

{% macro duckdb__land_raw_responses() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set spec = nps_landing_spec() -%}
    {%- set files = nps_resolve_landing_files(spec) -%}
    {%- set all_files = files.csv + files.parquet -%}
    {%- set sizes = nps_landing_file_sizes(all_files) -%}
    {%- set loaded = nps_loaded_landing_files() -%}
    {%- set changed = [] -%}
    {%- for file in all_files if file in loaded and loaded[file] != sizes[file] -%}
        {%- do changed.append(file ~ ' (' ~ loaded[file] ~ ' bytes when loaded, ' ~ sizes[file] ~ ' now)') -%}
    {%- endfor -%}
    {%- if changed -%}
        {{ exceptions.raise_compiler_error(
            'landing file(s) changed since they were loaded: ' ~ (changed | join(', '))
            ~ '. A loaded file must not change: put new rows in a new file, or rebuild every'
            ~ ' model from the landing files with `dbt build --full-refresh`. Nothing was built.'
        ) }}
    {%- endif -%}
    {%- set pending_csv = files.csv | reject('in', loaded) | list -%}
    {%- set pending_parquet = files.parquet | reject('in', loaded) | list -%}
    {%- if pending_csv or pending_parquet -%}
        {%- do nps_check_landing_columns(pending_csv, pending_parquet) -%}
    {%- endif -%}
    {%- do log(
        'Landing ' ~ (files.csv | length) ~ ' CSV and ' ~ (files.parquet | length)
        ~ ' Parquet file(s) from ' ~ spec ~ '; ' ~ ((pending_csv + pending_parquet) | length)
        ~ ' not loaded yet', info=true
    ) -%}
    {%- set branches = [] -%}
    {%- for file in all_files -%}
        {%- do branches.append(nps_landing_file_select(file, sizes[file])) -%}
    {%- endfor -%}
    {%- set raw_schema = var('nps_raw_schema') -%}
    {%- set ddl -%}
        create schema if not exists {{ raw_schema }};
        create or replace view {{ raw_schema }}.raw_responses as
        {{ branches | join('\nunion all\n') }}
    {%- endset -%}
    {#- Run here rather than returned as the hook's SQL: dbt carries on after a failing hook
        statement (against the previous raw view), but an error raised while the hook renders
        stops the whole invocation before any node runs. -#}
    {%- do run_query(ddl) -%}
    {{ return('select 1 as landed') }}
{%- endmacro %}

{#- One landing file as a select of the raw relation's columns. Each file is read by its own
    scan, with its path and size as constants: a filter on source_file then prunes whole files
    before they are opened (incremental builds read only the files not loaded yet), and the
    row number is the file's own (CSV: the reader's ordinality, 1 = first row after the header;
    Parquet: the file row number + 1). -#}
{% macro nps_landing_file_select(file, size) -%}
    {%- set quoted = file | replace("'", "''") -%}
    {%- set lowered = file | lower -%}
    select
        '{{ quoted }}' as source_file,
        cast({{ size }} as bigint) as source_file_bytes,
        {% if lowered.endswith('.parquet') -%}
        cast(file_row_number + 1 as bigint) as source_row_number,
        {%- else -%}
        cast(ordinality as bigint) as source_row_number,
        {%- endif %}
        {% for column in nps_required_raw_columns() -%}
        nullif(cast({{ column }} as varchar), '') as {{ column }}{{ ',' if not loop.last }}
        {% endfor %}
    {% if lowered.endswith('.parquet') -%}
    from read_parquet('{{ quoted }}', file_row_number = true)
    {%- else -%}
    from read_csv(
        '{{ quoted }}',
        header = true,
        all_varchar = true,
        delim = ',',
        quote = '"',
        escape = '"'
    ) with ordinality
    {%- endif %}
{%- endmacro %}

{#- {path: size in bytes} of the landing files (file metadata only; contents are not read). -#}
{% macro nps_landing_file_sizes(files) -%}
    {%- set sizes = {} -%}
    {%- if files -%}
        {%- set listing = run_query(
            'select filename, size from read_blob(' ~ nps_sql_string_list(files) ~ ')'
        ) -%}
        {%- for row in listing.rows -%}
            {%- do sizes.update({row[0]: row[1] | int}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(sizes) }}
{%- endmacro %}

{#- {path: size in bytes when loaded} of every landing file the staging model already holds;
    empty on a full refresh or before the first build, when every file is read again. -#}
{% macro nps_loaded_landing_files() -%}
    {%- set loaded = {} -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(loaded) }}
    {%- endif -%}
    {%- set relation = nps_staging_relation(must_exist=true) -%}
    {%- if relation is none -%}
        {{ return(loaded) }}
    {%- endif -%}
    {%- set incremental_columns = nps_relation_column_names(relation) | select('in', ['loaded_at', 'source_file_bytes']) | list -%}
    {%- if relation.is_view or incremental_columns | length != 2 -%}
        {{ exceptions.raise_compiler_error(
            relation ~ ' was built by an earlier, non-incremental version of this project. Rebuild'
            ~ ' the warehouse once with `dbt build --full-refresh` (make build DBT_ARGS=--full-refresh).'
        ) }}
    {%- endif -%}
    {#- Row 1 of each file is enough, and the filter lets DuckDB skip the row groups that hold no
        first row, so this does not read the whole history. -#}
    {%- set listing = run_query(
        'select source_file, max(source_file_bytes) from ' ~ relation
        ~ ' where source_row_number = 1 group by source_file'
    ) -%}
    {%- for row in listing.rows -%}
        {%- do loaded.update({row[0]: row[1] | int}) -%}
    {%- endfor -%}
    {{ return(loaded) }}
{%- endmacro %}

{#- The (lower-case) column names of a relation. -#}
{% macro nps_relation_column_names(relation) -%}
    {{ return(adapter.dispatch('nps_relation_column_names', 'nps_warehouse')(relation)) }}
{%- endmacro %}

{#- run_query on information_schema, not adapter.get_columns_in_relation: that one opens a
    transaction the hook never commits, and the raw view created after it would be rolled back. -#}
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
    {%- set node = graph.nodes.get('model.nps_warehouse.stg_nps_survey__responses') -%}
    {%- if must_exist -%}
        {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endif -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- A Jinja list of paths as a DuckDB list literal ['a', 'b'] with quotes escaped. -#}
{% macro nps_sql_string_list(values) -%}
    [{% for value in values %}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}

{#- {'csv': [...], 'parquet': [...]} for a file, a directory or a glob; raises when nothing
    matches or a matched file is of an unsupported type. -#}
{% macro nps_resolve_landing_files(spec) -%}
    {%- if spec == '' -%}
        {{ exceptions.raise_compiler_error("NPS_RAW_RESPONSES is empty: name a landing file, directory or glob.") }}
    {%- endif -%}
    {%- set quoted = spec | replace("'", "''") -%}
    {%- set is_glob = '*' in spec or '?' in spec or '[' in spec -%}
    {%- if is_glob -%}
        {%- set patterns = [quoted] -%}
    {%- else -%}
        {%- set as_file = run_query("select file from glob('" ~ quoted ~ "')") -%}
        {%- if as_file.rows | length > 0 -%}
            {%- set patterns = [quoted] -%}
        {%- else -%}
            {%- set folder = quoted.rstrip('/') -%}
            {%- set patterns = [folder ~ '/*.csv', folder ~ '/*.csv.gz', folder ~ '/*.parquet'] -%}
        {%- endif -%}
    {%- endif -%}
    {%- set listing_sql -%}
        {% for pattern in patterns -%}
        select file from glob('{{ pattern }}')
        {{ 'union' if not loop.last }}
        {% endfor -%}
        order by file
    {%- endset -%}
    {%- set found = run_query(listing_sql).columns[0].values() -%}
    {%- if found | length == 0 -%}
        {{ exceptions.raise_compiler_error("No landing file matches NPS_RAW_RESPONSES='" ~ spec ~ "' (expected a .csv, .csv.gz or .parquet file, a directory holding such files, or a glob).") }}
    {%- endif -%}
    {%- set result = {'csv': [], 'parquet': []} -%}
    {%- for file in found -%}
        {%- set lowered = file | lower -%}
        {%- if lowered.endswith('.csv') or lowered.endswith('.csv.gz') -%}
            {%- do result.csv.append(file) -%}
        {%- elif lowered.endswith('.parquet') -%}
            {%- do result.parquet.append(file) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("Landing file " ~ file ~ " is neither CSV (.csv, .csv.gz) nor Parquet (.parquet).") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result) }}
{%- endmacro %}

{#- Raises one error naming every landing file that lacks a required column, and the columns,
    or whose rows do not match its header. The header is sniffed leniently (rows that do not fit
    are skipped while sniffing), so a malformed row never hides the real column names; a file
    whose strict reading disagrees with that header has rows with more or fewer fields than the
    header (or a stray quote), and the build would misread it. -#}
{% macro nps_check_landing_columns(csv_files, parquet_files) -%}
    {%- set header_queries = [] -%}
    {%- set dialect = "header = true, delim = ',', quote = '\"', escape = '\"'" -%}
    {%- set misread_queries = [] -%}
    {%- for file in csv_files -%}
        {%- set quoted = file | replace("'", "''") -%}
        {%- do header_queries.append(
            "select '" ~ quoted ~ "' as file, lower(trim(header.name)) as column_name"
            ~ " from (select unnest(columns) as header from sniff_csv('" ~ quoted
            ~ "', " ~ dialect ~ ", ignore_errors = true))"
        ) -%}
        {%- do misread_queries.append(
            "select '" ~ quoted ~ "' as file"
            ~ " where (select [lower(trim(h.name)) for h in columns] from sniff_csv('" ~ quoted
            ~ "', " ~ dialect ~ ", ignore_errors = true))"
            ~ " is distinct from (select [lower(trim(h.name)) for h in columns] from sniff_csv('" ~ quoted
            ~ "', " ~ dialect ~ "))"
        ) -%}
    {%- endfor -%}
    {%- if parquet_files -%}
        {%- do header_queries.append(
            "select file_name as file, lower(name) as column_name from parquet_schema("
            ~ nps_sql_string_list(parquet_files) ~ ")"
        ) -%}
    {%- endif -%}
{%- set check_sql -%}
        with
        headers as (
            {{ header_queries | join('\nunion all\n') }}
        ),
        files as (
            select file from (values {% for file in csv_files + parquet_files -%}
                ('{{ file | replace("'", "''") }}'){{ ', ' if not loop.last }}
            {%- endfor %}) as landed (file)
        ),
        required as (
            select column_name from (values {% for column in nps_required_raw_columns() -%}
                ('{{ column }}'){{ ', ' if not loop.last }}
            {%- endfor %}) as required_columns (column_name)
        )
        select
            files.file,
            string_agg(required.column_name, ', ' order by required.column_name) as missing_columns
        from files
        cross join required
        left join headers
            on files.file = headers.file and required.column_name = headers.column_name
        where headers.file is null
        group by files.file
        order by files.file
    {%- endset -%}
    {%- set missing = run_query(check_sql) -%}
    {%- if missing.rows | length > 0 -%}
        {%- set problems = [] -%}
        {%- for row in missing.rows -%}
            {%- do problems.append('landing file ' ~ row[0] ~ ' is missing required column(s): ' ~ row[1]) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(problems | join('; ') ~ '. Nothing was built; the marts of the last good build are unchanged.') }}
    {%- endif -%}
    {%- if misread_queries -%}
        {%- set misread = run_query(misread_queries | join('\nunion all\n')).columns[0].values() -%}
        {%- if misread | length > 0 -%}
            {{ exceptions.raise_compiler_error('landing file(s) ' ~ (misread | join(', ')) ~ ' have rows that do not match the header (more or fewer fields than the header, or an unbalanced quote) among their first rows. Nothing was built; the marts of the last good build are unchanged.') }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
