{#- A table: the history (or the latest record), the audit and the marts read it, so the window
    runs once per build. -#}
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
        *,
        -- an interaction sent again (a re-export, a correction): the latest landing file and row wins
        {{ cx_is_latest_row(['interaction_id']) }} as is_latest_row

    from valid

)

select * from ranked
