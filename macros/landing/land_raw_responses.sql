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
    {%- set files = nps_resolve_landing_files(nps_landing_spec()) -%}
    {%- do nps_check_landing_columns(files.csv, files.parquet) -%}
    {%- do log('Landing ' ~ (files.csv | length) ~ ' CSV and ' ~ (files.parquet | length) ~ ' Parquet file(s) from ' ~ nps_landing_spec(), info=true) -%}
    {%- set required = nps_required_raw_columns() -%}
    {%- set branches = [] -%}
    {%- if files.csv -%}
        {%- set csv_branch -%}
        select
            filename as source_file,
            cast(ordinality - min(ordinality) over (partition by filename) + 1 as bigint) as source_row_number,
            {% for column in required -%}
            nullif(cast({{ column }} as varchar), '') as {{ column }}{{ ',' if not loop.last }}
            {% endfor %}
        from read_csv(
            {{ nps_sql_string_list(files.csv) }},
            header = true,
            all_varchar = true,
            delim = ',',
            quote = '"',
            escape = '"',
            filename = true,
            union_by_name = true
        ) with ordinality
        {%- endset -%}
        {%- do branches.append(csv_branch) -%}
    {%- endif -%}
    {%- if files.parquet -%}
        {%- set parquet_branch -%}
        select
            filename as source_file,
            cast(file_row_number + 1 as bigint) as source_row_number,
            {% for column in required -%}
            nullif(cast({{ column }} as varchar), '') as {{ column }}{{ ',' if not loop.last }}
            {% endfor %}
        from read_parquet(
            {{ nps_sql_string_list(files.parquet) }},
            filename = true,
            file_row_number = true,
            union_by_name = true
        )
        {%- endset -%}
        {%- do branches.append(parquet_branch) -%}
    {%- endif -%}
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
