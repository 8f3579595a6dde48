{#- A view, as rpt_response_audit: every raw row of the interactions source and what became of it. -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_contact_centre__interactions') }}

),

ranked as (

    select * from {{ ref('int_interaction_rows_ranked') }}

),

statused as (

    select
        raw_rows.source_file,
        raw_rows.source_row_number,
        raw_rows.interaction_id,
        raw_rows.feed_name,
        raw_rows.raw_interaction_id,
        raw_rows.raw_customer_id,
        raw_rows.raw_agent_id,
        raw_rows.raw_channel,
        raw_rows.raw_started_at,
        raw_rows.raw_wait_seconds,
        raw_rows.raw_handle_seconds,
        raw_rows.raw_transfers,
        raw_rows.raw_is_first_contact_resolution,
        case
            when raw_rows.rejection_reason is not null then {{ nps_literal('status', 'rejected') }}
            when ranked.is_latest_row then {{ nps_literal('status', 'accepted') }}
            else {{ nps_literal('status', 'superseded') }}
        end as status,
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
