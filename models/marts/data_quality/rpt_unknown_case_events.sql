{#- A view: an event becomes a case's as soon as its response opens one. -#}
{{ config(materialized='view') }}

with

event_rows as (

    select * from {{ ref('int_case_event_rows_ranked') }}

),

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

cases as (

    select * from {{ ref('fct_followup_cases') }}

),

accepted_events as (

    select * from event_rows
    where is_latest_row

),

final as (

    select
        accepted_events.source_file,
        accepted_events.source_row_number,
        accepted_events.response_id,
        accepted_events.event_type,
        accepted_events.event_at,
        accepted_events.feed_name,
        cast(case
            when responses.response_id is null then {{ nps_literal('case_event_problem', 'unknown_response') }}
            else {{ nps_literal('case_event_problem', 'not_a_case') }}
        end as {{ text_type() }}) as problem

    from accepted_events
    left join responses
        on accepted_events.response_id = responses.response_id
    left join cases
        on accepted_events.response_id = cases.case_id
    where cases.case_id is null

)

select * from final
