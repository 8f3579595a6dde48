{#- History of a source whose rows are an entity as of a time (customers, agents): its valid rows
    ranked, then versions - the latest row of each (entity, time), a row equal in every attribute
    to the one before it merged into it, each version valid from its first row's time to the
    next version's. -#}

{#- is_latest_row of a valid row: whether it wins among the rows of its `partition` (a list of
    columns), the latest landing file and row winning. -#}
{% macro cx_is_latest_row(partition) -%}
    row_number() over (
        partition by {{ partition | join(', ') }}
        order by source_file desc, source_row_number desc
    ) = 1
{%- endmacro %}

{#- Whether a winning row starts a new version of its entity (`key`, ordered by `at`): the first
    row, or one whose `attributes` differ from the previous row's (nulls equal). -#}
{% macro cx_starts_version(key, at, attributes) -%}
    case
        when lag({{ key }}) over (partition by {{ key }} order by {{ at }}) is null then 1
        {% for attribute in attributes -%}
        when not {{ null_safe_equal(attribute, 'lag(' ~ attribute ~ ') over (partition by ' ~ key ~ ' order by ' ~ at ~ ')') }} then 1
        {% endfor -%}
        else 0
    end
{%- endmacro %}

{#- The CTEs of an incremental model rebuilt by key (the ranked rows, the versions) that name
    the keys to rebuild: `new_rows`, the `key` of every row of the upstream model `staging`
    (staging, or the ranked rows for the versions) loaded since the latest loaded_at of this
    table (read apart from the model's import CTE: DuckDB copies whole a CTE read twice), and
    `changed_keys`, those keys with, when given, the keys `also` selects. -#}
{% macro cx_changed_keys(staging, key, also=none) -%}
new_rows as (

    select {{ key }} from {{ ref(staging) }}
    where loaded_at > {{ nps_processed_watermark(this) }}

),

changed_keys as (

    {% if also -%}
    select {{ key }} from new_rows
    union
    {{ also }}
    {%- else -%}
    select distinct {{ key }} from new_rows
    {%- endif %}

)
{%- endmacro %}

{#- The CTEs of an incremental history that tell which of its rebuilt entities changed:
    `previous`, the versions this table held for the keys of `changed_keys`, and
    `version_changes`, one row per rebuilt `key` with `has_changed` (its versions, `dated`, differ
    from the previous ones in number, bounds or an attribute: the attributes some response had
    at its time may differ) and `previous_changed_at`. A key whose new rows only repeat what
    its versions said keeps its changed_at, so fct_cx_responses does not take its responses
    again. -#}
{% macro cx_version_changes(key, attributes) -%}
previous as (

    select * from {{ this }}
    where {{ key }} in (select {{ key }} from changed_keys)

),

version_changes as (

    select
        coalesce(dated.{{ key }}, previous.{{ key }}) as {{ key }},
        max(case
            when dated.{{ key }} is null or previous.{{ key }} is null then 1
            {% for column in ['valid_from', 'valid_to'] + attributes -%}
            when not {{ null_safe_equal('dated.' ~ column, 'previous.' ~ column) }} then 1
            {% endfor -%}
            else 0
        end) as has_changed,
        max(previous.changed_at) as previous_changed_at

    from dated
    full outer join previous
        on
            dated.{{ key }} = previous.{{ key }}
            and dated.version_number = previous.version_number
    group by coalesce(dated.{{ key }}, previous.{{ key }})

)
{%- endmacro %}

{#- changed_at of a history's version: when this build changed its entity's versions (a new
    entity, or version_changes found a difference), else the previous changed_at. -#}
{% macro cx_version_changed_at() -%}
    {%- if is_incremental() -%}
    case
        when version_changes.has_changed = 1 then {{ nps_load_timestamp() }}
        else version_changes.previous_changed_at
    end
    {%- else -%}
    {{ nps_load_timestamp() }}
    {%- endif -%}
{%- endmacro %}
