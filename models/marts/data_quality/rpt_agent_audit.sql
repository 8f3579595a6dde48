{#- A view, as rpt_response_audit: every raw row of the agents source and what became of it. -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_workforce__agents') }}

),

ranked as (

    select * from {{ ref('int_agent_rows_ranked') }}

),

statused as (

    select
        raw_rows.source_file,
        raw_rows.source_row_number,
        raw_rows.agent_id,
        raw_rows.feed_name,
        raw_rows.raw_agent_id,
        raw_rows.raw_updated_at,
        raw_rows.raw_agent_name,
        raw_rows.raw_team,
        raw_rows.raw_site,
        raw_rows.raw_manager_id,
        raw_rows.raw_hired_on,
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
