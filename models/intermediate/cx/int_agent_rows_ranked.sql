{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. -#}
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
        source_file,
        source_row_number,
        feed_name,
        load_id,
        agent_id,
        agent_name,
        team,
        site,
        manager_id,
        hired_on,
        -- two rows of one agent at one updated_at: the latest landing file and row wins
        {{ cx_is_latest_row(['agent_id', 'updated_at']) }} as is_latest_row,
        updated_at,
        loaded_at

    from valid

)

select * from ranked
