{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. -#}
{{ config(materialized='table') }}

with

staged as (

    select * from {{ ref('stg_contact_centre__interactions') }}

),

valid as (

    select * from staged
    where rejection_reason is null

),

ranked as (

    select
        source_file,
        source_row_number,
        feed_name,
        load_id,
        interaction_id,
        customer_id,
        agent_id,
        channel,
        wait_seconds,
        handle_seconds,
        transfers,
        is_first_contact_resolution,
        -- an interaction sent again (a re-export, a correction): the latest landing file and row wins
        {{ cx_is_latest_row(['interaction_id']) }} as is_latest_row,
        started_at,
        loaded_at

    from valid

)

select * from ranked
