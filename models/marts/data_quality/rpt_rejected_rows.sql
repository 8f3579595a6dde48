{#- A view over staging alone (the rules' verdicts and the raw values): it exists, and shows the
    rows of a load, even after a build that the rejected-share gate stopped before publishing
    anything (the gate depends on staging and the enriched submissions, so it does not hold this
    view back). -#}
{{ config(materialized='view') }}

with

staged as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

raw_values as (

    select * from {{ ref('stg_nps_survey__raw_responses') }}

),

rejected as (

    select
        staged.source_file,
        staged.source_row_number,
        staged.feed_name,
        staged.rejection_reason as reason,
        staged.response_id,
        raw_values.raw_response_id,
        raw_values.raw_submitted_at,
        raw_values.raw_score,
        raw_values.raw_csat_score,
        raw_values.raw_ces_score,
        staged.metric_issues,
        raw_values.raw_response_type,
        raw_values.raw_finished,
        staged.source_timezone,
        staged.load_id,
        staged.loaded_at

    from staged
    left join raw_values
        on
            staged.load_id = raw_values.load_id
            and staged.source_file = raw_values.source_file
            and staged.source_row_number = raw_values.source_row_number
    where staged.rejection_reason is not null

)

select * from rejected
