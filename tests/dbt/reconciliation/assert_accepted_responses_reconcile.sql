-- Accepted audit rows = fct_nps_responses rows = the responses summed over fct_nps_daily:
-- returns one row when any of the three differs.

with

audit as (

    select * from {{ ref('rpt_response_audit') }}

),

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

daily as (

    select * from {{ ref('fct_nps_daily') }}

),

totals as (

    select
        (
            select count(*) from audit
            where status = {{ nps_literal('status', 'accepted') }}
        ) as accepted_audit_rows,
        (select count(*) from responses) as fact_rows,
        (select coalesce(sum(responses), 0) from daily) as daily_responses

)

select * from totals
where
    accepted_audit_rows <> fact_rows
    or fact_rows <> daily_responses
