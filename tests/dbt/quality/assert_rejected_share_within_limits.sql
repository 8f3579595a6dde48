-- A mass rejection means the export format changed. The test's result is the rejected share of
-- the raw rows in whole percent, rounded up: it warns above var nps_rejected_share_warn_pct
-- and fails the build above var nps_rejected_share_error_pct.
{{ config(
    fail_calc = 'coalesce(max(rejected_share_pct), 0)',
    warn_if = '>' ~ var('nps_rejected_share_warn_pct'),
    error_if = '>' ~ var('nps_rejected_share_error_pct'),
) }}

with

audit as (

    select * from {{ ref('rpt_response_audit') }}

),

shares as (

    select
        count(*) as raw_rows,
        sum(case when status = {{ nps_literal('status', 'rejected') }} then 1 else 0 end) as rejected_rows

    from audit

),

final as (

    select
        raw_rows,
        rejected_rows,
        cast(ceil(100.0 * rejected_rows / raw_rows) as integer) as rejected_share_pct

    from shares
    where raw_rows > 0

)

select * from final
