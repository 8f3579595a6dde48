{#- A view over staging alone: it exists, and shows the rows of a load, even after a build that
    the rejected-share gate stopped before publishing anything (the gate depends on staging and
    the enriched submissions, so it does not hold this view back). -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

rejected as (

    select
        source_file,
        source_row_number,
        feed_name,
        rejection_reason as reason,
        response_id,
        raw_response_id,
        raw_submitted_at,
        raw_score,
        raw_csat_score,
        raw_ces_score,
        metric_issues,
        raw_response_type,
        raw_finished,
        source_timezone,
        load_id,
        loaded_at

    from raw_rows
    where rejection_reason is not null

)

select * from rejected
