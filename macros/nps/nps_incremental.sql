{#- Helpers of the incremental models. -#}

{#- The instant this dbt invocation started (UTC), as a SQL timestamp: every row a build writes
    carries it as loaded_at, so "rows of the latest load" is loaded_at = max(loaded_at). -#}
{% macro nps_load_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- A 128-bit hash of a text as a UUID (null for null), the merge key of the incremental
    models: joins and deletes on a 16-byte UUID are several times faster than on the text, and
    UUID is a type every BI driver reads. An MD5 collision between two response ids is as
    unlikely as for any MD5 surrogate key. -#}
{% macro nps_hash_key(expr) -%}
    {{ return(adapter.dispatch('nps_hash_key', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__nps_hash_key(expr) -%}
    cast(md5({{ expr }}) as uuid)
{%- endmacro %}

{#- Spark has no uuid type: the same 36 characters DuckDB and PostgreSQL print for the UUID
    (the MD5 in hex, 8-4-4-4-12, lower case), as a string. -#}
{% macro spark__nps_hash_key(expr) -%}
    regexp_replace(md5({{ expr }}), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '$1-$2-$3-$4-$5')
{%- endmacro %}

{#- The latest load a model has processed: max(loaded_at) of the model's own table, or a
    timestamp before any load when the table is empty. Only meaningful in is_incremental(). -#}
{% macro nps_processed_watermark(relation) -%}
    {{ return(adapter.dispatch('nps_processed_watermark', 'nps_warehouse')(relation)) }}
{%- endmacro %}

{% macro default__nps_processed_watermark(relation) -%}
    (select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from {{ relation }})
{%- endmacro %}

{#- Spark: read now and written as a literal, so that Parquet row-group statistics skip the
    older loads (Spark does not push a scalar subquery down to the scan). -#}
{% macro spark__nps_processed_watermark(relation) -%}
    {%- if not execute -%}
        {{ return("cast('1900-01-01' as timestamp)") }}
    {%- endif -%}
    {%- set watermark = run_query(
        "select cast(coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) as string) from " ~ relation
    ).columns[0].values()[0] -%}
    {{ return("cast('" ~ watermark ~ "' as timestamp)") }}
{%- endmacro %}

{#- The first response date after the reprocessing window of a model's table: the latest
    response_date it holds minus var nps_reprocess_days (null when the table is empty). -#}
{% macro nps_reprocess_window_start(relation) -%}
    {{ return(adapter.dispatch('nps_reprocess_window_start', 'nps_warehouse')(relation)) }}
{%- endmacro %}

{% macro default__nps_reprocess_window_start(relation) -%}
    (
        select {{ dbt.dateadd('day', -1 * nps_reprocess_days(), 'max(response_date)') }}
        from {{ relation }}
    )
{%- endmacro %}

{#- Spark: a date literal read now, so the model's table is pruned to the window's partitions. -#}
{% macro spark__nps_reprocess_window_start(relation) -%}
    {%- if not execute -%}
        {{ return('cast(null as date)') }}
    {%- endif -%}
    {%- set start = run_query(
        'select cast(date_add(max(response_date), ' ~ (-1 * nps_reprocess_days()) ~ ') as string) from ' ~ relation
    ).columns[0].values()[0] -%}
    {{ return('cast(null as date)' if start is none else "cast('" ~ start ~ "' as date)") }}
{%- endmacro %}

{#- The days an incremental run recomputes besides the ones new rows touch: var
    nps_reprocess_days, a whole number of days >= 0. -#}
{% macro nps_reprocess_days() -%}
    {%- set days = var('nps_reprocess_days') -%}
    {%- if days is not number or days < 0 or days != days | int -%}
        {{ exceptions.raise_compiler_error("var nps_reprocess_days must be a whole number of days >= 0, got '" ~ days ~ "'") }}
    {%- endif -%}
    {{ return(days | int) }}
{%- endmacro %}

{#- A select of the response dates an incremental run of a daily model must recompute: every
    date on which any valid submission of a response loaded since the model's last run falls
    (so both the date a response moves to and the one it leaves), plus the last var
    nps_reprocess_days dates the model holds. Reads staging through int_nps_responses_enriched
    by response_key, so its cost follows the new rows, not the history. -#}
{% macro nps_touched_response_dates(model_relation) -%}
    {%- set submissions = ref('int_nps_responses_enriched') -%}
    {#- a join, not "in (select ...)": DuckDB then builds its hash table on the few new keys -#}
    select submissions.response_date
    from {{ submissions }} as submissions
    inner join (
        select distinct response_key from {{ submissions }}
        where loaded_at > {{ nps_processed_watermark(model_relation) }}
    ) as new_keys
        on submissions.response_key = new_keys.response_key
    union
    select response_date from {{ model_relation }}
    where response_date > {{ nps_reprocess_window_start(model_relation) }}
{%- endmacro %}

{#- Incremental strategy nps_replace_dates: delete every date of nps_touched_response_dates
    from the target, then insert the recomputed rows. The dates are evaluated before the
    target changes, so they are the ones the model's select used. -#}
{% macro get_incremental_nps_replace_dates_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where response_date in ({{ nps_touched_response_dates(target) }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{%- endmacro %}

{#- ------------------------------------------------------------------------------------------
    Incremental strategies per engine. DuckDB and PostgreSQL delete and insert rows
    (delete+insert by response_key, nps_replace_dates). Spark without Delta or Iceberg cannot
    delete rows from a Parquet table: there the models replace whole response_date partitions
    with insert_overwrite (dynamic partition overwrite, which may read the table it overwrites),
    and a date left with no row is dropped by a post-hook, since an overwrite only replaces the
    partitions its rows fall in. An incremental run then costs the dates it touches: the rows
    of those dates are read and rewritten, not the history.
------------------------------------------------------------------------------------------- -#}

{#- The engine's incremental strategy for a model whose strategy is `strategy` on DuckDB. -#}
{% macro nps_incremental_strategy(strategy) -%}
    {{ return(adapter.dispatch('nps_incremental_strategy', 'nps_warehouse')(strategy)) }}
{%- endmacro %}

{% macro default__nps_incremental_strategy(strategy) -%}
    {{ return(strategy) }}
{%- endmacro %}

{% macro spark__nps_incremental_strategy(strategy) -%}
    {%- if strategy == 'append' -%}
        {{ return('append') }}
    {%- elif strategy in ['delete+insert', 'nps_replace_dates'] -%}
        {{ return('insert_overwrite') }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("No Spark incremental strategy for '" ~ strategy ~ "'") }}
{%- endmacro %}

{#- The partition column of a model's table: none, except where partitions are how rows are
    replaced (Spark: response_date, so that a run rewrites only the dates it touches). -#}
{% macro nps_partition_by(column) -%}
    {{ return(adapter.dispatch('nps_partition_by', 'nps_warehouse')(column)) }}
{%- endmacro %}

{% macro default__nps_partition_by(column) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro spark__nps_partition_by(column) -%}
    {{ return(column) }}
{%- endmacro %}

{#- SQL condition: `column` is one of the dates nps_touched_response_dates(model_relation)
    returns. -#}
{% macro nps_in_touched_response_dates(column, model_relation) -%}
    {{ return(adapter.dispatch('nps_in_touched_response_dates', 'nps_warehouse')(column, model_relation)) }}
{%- endmacro %}

{% macro default__nps_in_touched_response_dates(column, model_relation) -%}
    {{ column }} in ({{ nps_touched_response_dates(model_relation) }})
{%- endmacro %}

{#- Spark: the dates as literals, read before the statement runs, so the partitions of the other
    dates are never opened. -#}
{% macro spark__nps_in_touched_response_dates(column, model_relation) -%}
    {%- set dates = nps_touched_response_date_list(model_relation) -%}
    {%- if dates -%}
        {{ column }} in ({{ nps_date_literals(dates) }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- The dates of nps_touched_response_dates(model_relation), read now, as 'YYYY-MM-DD' texts. -#}
{% macro nps_touched_response_date_list(model_relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set touched = run_query(
        'select distinct cast(response_date as string) as response_date from ('
        ~ nps_touched_response_dates(model_relation) ~ ') as touched where response_date is not null order by 1'
    ) -%}
    {{ return(touched.columns[0].values() | list) }}
{%- endmacro %}

{#- The final select of fct_nps_responses. Everywhere: the re-derived responses. Spark,
    incremental: also every other row the model's table holds on the touched dates, since
    insert_overwrite replaces those dates whole; the re-derived responses (changed_keys) are
    left out, so a response that moved leaves its old date. -#}
{% macro nps_responses_to_write(final_cte, changed_keys_cte) -%}
    {{ return(adapter.dispatch('nps_responses_to_write', 'nps_warehouse')(final_cte, changed_keys_cte)) }}
{%- endmacro %}

{% macro default__nps_responses_to_write(final_cte, changed_keys_cte) -%}
    select * from {{ final_cte }}
{%- endmacro %}

{% macro spark__nps_responses_to_write(final_cte, changed_keys_cte) -%}
    {%- if not is_incremental() -%}
        {{ return('select * from ' ~ final_cte) }}
    {%- endif -%}
    {#- by name, in the table's order (Spark puts the partition column last) -#}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | join(', ') -%}
    {%- set sql -%}
select {{ columns }}
from {{ final_cte }}

union all

-- the other responses of the touched dates, which insert_overwrite rewrites whole
select {{ columns }}
from {{ this }} as kept
where
    {{ nps_in_touched_response_dates('kept.response_date', this) }}
    and not exists (
        select 1 from {{ changed_keys_cte }}
        where {{ changed_keys_cte }}.response_key = kept.response_key
    )
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}

{#- The final select of a model replacing response_date partitions (fct_nps_responses,
    fct_nps_daily), from the CTE of the rows to write. Everywhere: those rows. Spark,
    incremental: only the rows of the dates whose rows differ from what the table holds there,
    so that insert_overwrite rewrites the dates whose rows changed and leaves the others' files
    alone (a touched date often comes out as it was: a resubmission that does not win, a date
    of the reprocessing window with nothing new). A date's rows are compared as a multiset:
    their count and the sum of their rows' 64-bit hashes, each row hashed over every column
    with its null flag (Spark's hash skips nulls, so a value moving between two columns beside
    a null would otherwise hash the same). A date left without rows writes none, as before:
    the models' post-hooks drop it. -#}
{% macro nps_only_changed_dates(rows_cte) -%}
    {{ return(adapter.dispatch('nps_only_changed_dates', 'nps_warehouse')(rows_cte)) }}
{%- endmacro %}

{% macro default__nps_only_changed_dates(rows_cte) -%}
    select * from {{ rows_cte }}
{%- endmacro %}

{% macro spark__nps_only_changed_dates(rows_cte) -%}
    {%- if not is_incremental() -%}
        {{ return('select * from ' ~ rows_cte) }}
    {%- endif -%}
    {#- by name, in the table's order (Spark puts the partition column last) -#}
    {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- set row_hash = spark__nps_row_hash(names) | trim -%}
    {%- set sql -%}
select {{ names | join(', ') }}
from {{ rows_cte }}
where response_date in (
    select written.response_date
    from (
        select response_date, count(*) as row_count, sum({{ row_hash }}) as row_hash_sum
        from {{ rows_cte }}
        group by response_date
    ) as written
    left join (
        select response_date, count(*) as row_count, sum({{ row_hash }}) as row_hash_sum
        from {{ this }}
        where {{ nps_in_touched_response_dates('response_date', this) }}
        group by response_date
    ) as held
        on written.response_date = held.response_date
    where
        held.response_date is null
        or written.row_count != held.row_count
        or written.row_hash_sum != held.row_hash_sum
)
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}

{#- Pre-hook of a model replacing response_date partitions: on Spark, remembers the touched
    dates (read before the table changes) in a temporary view for the post-hook. Empty when
    the run is not incremental. Other engines: nothing. -#}
{% macro nps_remember_touched_dates() -%}
    {{ return(adapter.dispatch('nps_remember_touched_dates', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__nps_remember_touched_dates() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__nps_remember_touched_dates() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set dates = nps_touched_response_date_list(this) if is_incremental() else [] -%}
    create or replace temporary view {{ nps_touched_dates_view() }} as
    {% if dates -%}
    select cast(response_date as date) as response_date
    from values {% for date in dates %}('{{ date }}'){{ ', ' if not loop.last }}{% endfor %} as touched (response_date)
    {%- else -%}
    select cast(null as date) as response_date where false
    {%- endif %}
{%- endmacro %}

{#- The name of the temporary view holding the model's touched dates during its run. -#}
{% macro nps_touched_dates_view() -%}
    {{ return('nps_touched_dates__' ~ this.schema ~ '__' ~ this.identifier) }}
{%- endmacro %}

{#- The touched dates nps_remember_touched_dates kept for this run, as 'YYYY-MM-DD' texts. -#}
{% macro nps_remembered_touched_dates() -%}
    {%- set remembered = run_query(
        'select cast(response_date as string) from ' ~ nps_touched_dates_view() ~ ' order by 1'
    ) -%}
    {{ return(remembered.columns[0].values() | list) }}
{%- endmacro %}

{#- ALTER TABLE statement dropping the given date partitions of this (a partition spec takes
    literals only, not casts). -#}
{% macro nps_drop_date_partitions_sql(dates) -%}
    alter table {{ this }} drop if exists
    {% for date in dates -%}
    partition (response_date = date'{{ date }}'){{ ', ' if not loop.last }}
    {% endfor %}
{%- endmacro %}

{#- Post-hook of fct_nps_daily: on Spark, drops the touched dates that no longer hold any
    response (every response of the date moved to another one): the overwrite wrote no row
    there, so the date still holds its old cells. Other engines: nothing (nps_replace_dates
    deleted them). -#}
{% macro nps_drop_dates_without_rows(rows_relation, rows_filter='true') -%}
    {{ return(adapter.dispatch('nps_drop_dates_without_rows', 'nps_warehouse')(rows_relation, rows_filter)) }}
{%- endmacro %}

{% macro default__nps_drop_dates_without_rows(rows_relation, rows_filter) -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__nps_drop_dates_without_rows(rows_relation, rows_filter) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set touched = nps_remembered_touched_dates() -%}
    {%- if not touched -%}
        {{ return('') }}
    {%- endif -%}
    {%- set present = run_query(
        'select distinct cast(response_date as string) from ' ~ rows_relation
        ~ ' where response_date in (' ~ nps_date_literals(touched) ~ ') and (' ~ rows_filter ~ ')'
    ).columns[0].values() | list -%}
    {%- set held = run_query(
        'select distinct cast(response_date as string) from ' ~ this
        ~ ' where response_date in (' ~ nps_date_literals(touched) ~ ')'
    ).columns[0].values() | list -%}
    {%- set emptied = held | reject('in', present) | list -%}
    {%- if emptied -%}
        {%- do log(this ~ ': dropping ' ~ emptied | length ~ ' date(s) left without responses', info=true) -%}
        {{ return(nps_drop_date_partitions_sql(emptied)) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- Post-hook of fct_nps_responses: on Spark, drops the touched dates that only hold superseded
    rows. The overwrite replaced every date it wrote a row to; a date whose responses all moved
    away received none and still holds their old rows, each of which now has a newer row (a
    later loaded_at: only a new submission can move a response) on another touched date. A
    date mixing superseded and current rows cannot happen after an overwrite; it fails the
    build rather than lose rows. Other engines: nothing (delete+insert replaced them). -#}
{% macro nps_drop_dates_of_moved_responses() -%}
    {{ return(adapter.dispatch('nps_drop_dates_of_moved_responses', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__nps_drop_dates_of_moved_responses() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__nps_drop_dates_of_moved_responses() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set touched = nps_remembered_touched_dates() -%}
    {%- if not touched -%}
        {{ return('') }}
    {%- endif -%}
    {%- set check_sql -%}
        with

        touched as (
            select response_key, response_date, loaded_at from {{ this }}
            where response_date in ({{ nps_date_literals(touched) }})
        ),

        latest as (
            select response_key, max(loaded_at) as loaded_at from touched
            group by response_key
        )

        select
            cast(touched.response_date as string) as response_date,
            count(*) as response_rows,
            count(case when latest.loaded_at > touched.loaded_at then 1 end) as superseded_rows
        from touched
        inner join latest
            on touched.response_key = latest.response_key
        group by touched.response_date
        having count(case when latest.loaded_at > touched.loaded_at then 1 end) > 0
    {%- endset -%}
    {%- set stale = run_query(check_sql) -%}
    {%- set emptied = [] -%}
    {%- for row in stale.rows -%}
        {%- if row[1] != row[2] -%}
            {{ exceptions.raise_compiler_error(
                this ~ ': date ' ~ row[0] ~ ' holds ' ~ row[2] ~ ' superseded row(s) among ' ~ row[1]
                ~ '; rebuild it with `dbt build --full-refresh`.'
            ) }}
        {%- endif -%}
        {%- do emptied.append(row[0]) -%}
    {%- endfor -%}
    {%- if emptied -%}
        {%- do log(this ~ ': dropping ' ~ emptied | length ~ ' date(s) whose responses all moved', info=true) -%}
        {{ return(nps_drop_date_partitions_sql(emptied)) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- 'YYYY-MM-DD' texts as a comma-separated list of date literals. -#}
{% macro nps_date_literals(dates) -%}
    {%- for date in dates %}cast('{{ date }}' as date){{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{#- The materialization of a model kept by deleting and inserting rows (the comment models, the
    ranked rows of the programme's sources): incremental, a table on Spark, which cannot delete
    rows from a Parquet table. -#}
{% macro nps_delete_insert_materialization() -%}
    {{ return(adapter.dispatch('nps_delete_insert_materialization', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__nps_delete_insert_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__nps_delete_insert_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- An exact number hashing a row's columns (64 bits), for fingerprints: the sum of a group's
    row hashes with its row count tells whether any row of the group changed, appeared or left
    (as Spark's changed dates are found). Nulls hash apart from every value, in their column.
    The same on every connection; each engine has its own hash, compared only with itself. -#}
{% macro nps_row_hash(columns) -%}
    {{ return(adapter.dispatch('nps_row_hash', 'nps_warehouse')(columns)) }}
{%- endmacro %}

{% macro default__nps_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- PostgreSQL: the row's text form (a null prints empty, an empty text as "") hashed to 64 bits. -#}
{% macro postgres__nps_row_hash(columns) -%}
    hashtextextended(cast(row({{ columns | join(', ') }}) as text), 0)
{%- endmacro %}

{#- Spark's xxhash64 skips nulls, so each column is hashed with its null flag (a value moving
    between two columns beside a null would otherwise hash the same); as a decimal, whose sum
    cannot overflow. -#}
{% macro spark__nps_row_hash(columns) -%}
    {%- set hashed = [] -%}
    {%- for column in columns -%}
        {%- do hashed.append(column ~ ', isnull(' ~ column ~ ')') -%}
    {%- endfor -%}
    cast(xxhash64({{ hashed | join(', ') }}) as decimal(20, 0))
{%- endmacro %}
