{#- A table of the columns the follow-up cases and the audit read, so the window runs once per
    build and the raw values (notes included) are not copied. -#}
{{ config(materialized='table') }}

with

staged as (

    select * from {{ ref('stg_crm__case_events') }}

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
        response_id,
        event_type,
        owner,
        -- one event exported twice (same case, type and time): the latest landing file and row
        -- wins, the other is superseded
        {{ cx_is_latest_row(['response_id', 'event_type', 'event_at']) }} as is_latest_row,
        event_at,
        loaded_at

    from valid

)

select * from ranked
