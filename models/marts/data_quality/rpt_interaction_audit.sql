{#- A view, as rpt_response_audit: every raw row of the interactions source and what became of it,
    with its raw values from stg_contact_centre__raw_interactions. -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_contact_centre__interactions') }}

),

raw_values as (

    select * from {{ ref('stg_contact_centre__raw_interactions') }}

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
        raw_values.raw_interaction_id,
        raw_values.raw_customer_id,
        raw_values.raw_agent_id,
        raw_values.raw_channel,
        raw_values.raw_started_at,
        raw_values.raw_wait_seconds,
        raw_values.raw_handle_seconds,
        raw_values.raw_transfers,
        raw_values.raw_is_first_contact_resolution,
        {{ cx_source_row_status('raw_rows.rejection_reason', 'ranked.is_latest_row') }} as status,
        raw_rows.rejection_reason as reason,
        raw_rows.attribute_issues,
        raw_rows.load_id,
        raw_rows.loaded_at

    from raw_rows
    -- with the load id in the key, a test of the latest load skips the raw table's older loads
    left join raw_values
        on
            raw_rows.load_id = raw_values.load_id
            and raw_rows.source_file = raw_values.source_file
            and raw_rows.source_row_number = raw_values.source_row_number
    left join ranked
        on
            raw_rows.source_file = ranked.source_file
            and raw_rows.source_row_number = ranked.source_row_number

)

select * from statused
