{#- A table: the history (or the latest record), the audit and the marts read it, so the window
    runs once per build. -#}
{{ config(materialized='table') }}

with

staged as (

    select * from {{ ref('stg_workforce__agents') }}

),

valid as (

    select * from staged
    where rejection_reason is null

),

ranked as (

    select
        *,
        -- two rows of one agent at one updated_at: the latest landing file and row wins
        {{ cx_is_latest_row(['agent_id', 'updated_at']) }} as is_latest_row

    from valid

)

select * from ranked
