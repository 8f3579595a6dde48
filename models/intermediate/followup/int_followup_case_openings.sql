{#- A table: every valid submission of a response that opens a case, once per response. A case
    opens with the response's first such submission, even when a later resubmission (the one
    published) no longer does: the case is then cancelled. -#}
{{ config(materialized='table') }}

with

responses as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

qualifying as (

    {%- set settings = cx_followup_settings() %}

    select
        response_id,
        submitted_at,
        case when nps_score <= {{ settings.open_nps_max }} then 1 else 0 end as is_detractor_submission

    from responses
    where
        rejection_reason is null
        and {{ cx_opens_case('nps_score', 'csat_score') }}
        and submitted_at <= {{ cx_as_of() }}

),

openings as (

    select
        response_id,
        cast(count(*) as bigint) as opening_submissions,
        min(submitted_at) as opened_at,
        max(is_detractor_submission) as has_detractor_submission

    from qualifying
    group by response_id

)

select * from openings
