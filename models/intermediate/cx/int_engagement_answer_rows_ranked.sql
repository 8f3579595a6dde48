{#- A table of the columns the engagement report and the audit read, so the window runs once
    per build and the raw values are not copied. -#}
{{ config(materialized='table') }}

with

staged as (

    select * from {{ ref('stg_workforce__engagement_answers') }}

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
        enps_score,
        enps_category,
        -- two rows of one agent at one surveyed_at (the same answer exported twice): the latest
        -- landing file and row wins
        {{ cx_is_latest_row(['agent_id', 'surveyed_at']) }} as is_latest_row,
        {{ utc_to_local_date('surveyed_at', var('nps_reporting_timezone')) }} as surveyed_date,
        surveyed_at,
        loaded_at

    from valid

)

select * from ranked
