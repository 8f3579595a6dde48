{#- A view, as rpt_response_audit: every raw row of the case events and what became of it. -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_crm__case_events') }}

),

ranked as (

    select * from {{ ref('int_case_event_rows_ranked') }}

),

statused as (

    select
        raw_rows.source_file,
        raw_rows.source_row_number,
        raw_rows.response_id,
        raw_rows.feed_name,
        raw_rows.raw_response_id,
        raw_rows.raw_event_type,
        raw_rows.raw_event_at,
        raw_rows.raw_owner,
        raw_rows.raw_note,
        {{ cx_source_row_status('raw_rows.rejection_reason', 'ranked.is_latest_row') }} as status,
        raw_rows.rejection_reason as reason,
        raw_rows.attribute_issues,
        raw_rows.load_id,
        raw_rows.loaded_at

    from raw_rows
    left join ranked
        on
            raw_rows.source_file = ranked.source_file
            and raw_rows.source_row_number = ranked.source_row_number

)

select * from statused
