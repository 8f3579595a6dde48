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

{#- The latest load a model has processed: max(loaded_at) of the model's own table, or a
    timestamp before any load when the table is empty. Only meaningful in is_incremental(). -#}
{% macro nps_processed_watermark(relation) -%}
    (select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from {{ relation }})
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
    where response_date > (
        select {{ dbt.dateadd('day', -1 * nps_reprocess_days(), 'max(response_date)') }}
        from {{ model_relation }}
    )
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
