-- A mass rejection means the export format changed. The test's result is the rejected share of
-- the raw rows in whole percent, rounded up: it warns above var nps_rejected_share_warn_pct
-- and fails above var nps_rejected_share_error_pct. It reads the staging model, so a failure
-- stops dbt build before any intermediate model or mart is replaced: the marts of the last
-- good build stay, and staging.stg_nps_survey__responses shows the rejection reasons.
{{ config(
    fail_calc = 'coalesce(max(rejected_share_pct), 0)',
    warn_if = '>' ~ var('nps_rejected_share_warn_pct'),
    error_if = '>' ~ var('nps_rejected_share_error_pct'),
) }}

with

responses as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

shares as (

    select
        cast(count(*) as bigint) as raw_rows,
        cast(sum(case when rejection_reason is not null then 1 else 0 end) as bigint) as rejected_rows

    from responses

),

final as (

    select
        raw_rows,
        rejected_rows,
        -- ceil(100 * rejected / raw) in integer arithmetic: exact at every threshold
        {{ integer_divide('100 * rejected_rows + raw_rows - 1', 'raw_rows') }} as rejected_share_pct

    from shares
    where raw_rows > 0

)

select * from final
