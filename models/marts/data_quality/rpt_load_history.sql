{#- A view: the statuses of a load's rows change as later files supersede them, so they are
    counted when the report is read, from the audit. -#}
{{ config(materialized='view') }}

with

file_loads as (

    select * from {{ ref('stg_landing__file_loads') }}

),

{#- the audits of every source: responses, then each source of cx_source_audits -#}
{%- set audits = ['rpt_response_audit'] + (cx_source_audits().values() | list) %}

-- the rows of every source, each with what became of it
audit as (

    {% for audit in audits -%}
        select
            load_id,
            status,
            reason,
            loaded_at
        from {{ ref(audit) }}
        {% if not loop.last %}union all
        {% endif -%}
    {%- endfor %}

),

statuses as (

    select
        load_id,
        cast(count(*) as bigint) as rows_staged,
        {% for status in ['accepted', 'rejected', 'superseded', 'pending'] -%}
            cast(sum(case when status = {{ nps_literal('status', status) }} then 1 else 0 end) as bigint)
                as {{ status }},
        {% endfor -%}
        {% for reason in cx_load_history_reasons() -%}
            cast(sum(case when reason = '{{ reason }}' then 1 else 0 end) as bigint)
                as rejected_{{ reason }},
        {% endfor -%}
        max(loaded_at) as staged_at

    from audit
    group by load_id

),

final as (

    select
        file_loads.feed_name,
        file_loads.source_name,
        file_loads.source_file,
        file_loads.file_fingerprint,
        file_loads.file_bytes,
        file_loads.source_timezone,
        file_loads.missing_columns,
        file_loads.rows_read,
        coalesce(statuses.rows_staged, 0) as rows_staged,
        {% for status in ['accepted', 'rejected', 'superseded', 'pending'] -%}
            coalesce(statuses.{{ status }}, 0) as {{ status }},
        {% endfor -%}
        {% for reason in cx_load_history_reasons() -%}
            coalesce(statuses.rejected_{{ reason }}, 0) as rejected_{{ reason }},
        {% endfor -%}
        file_loads.load_id,
        file_loads.loaded_at,
        statuses.staged_at

    from file_loads
    left join statuses
        on file_loads.load_id = statuses.load_id

)

select * from final
