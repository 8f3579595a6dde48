-- A mass rejection means the export format changed. The test's result is the highest rejected
-- share of the raw rows of one load (a build's new files; all files after a full refresh), in
-- whole percent, rounded up: it warns above var nps_rejected_share_warn_pct and fails above
-- var nps_rejected_share_error_pct. It reads the staging model, so a failure stops dbt build
-- before any mart is touched: the marts of the last good build stay, and
-- staging.stg_nps_survey__responses shows the rejection reasons. Every load is checked on
-- every build, so a bad load keeps failing the build until its files are removed and the
-- warehouse rebuilt (dbt build --full-refresh): it can never slip into the marts later.
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
        loaded_at,
        cast(count(*) as bigint) as raw_rows,
        cast(sum(case when rejection_reason is not null then 1 else 0 end) as bigint) as rejected_rows

    from responses
    group by loaded_at

),

final as (

    select
        loaded_at,
        raw_rows,
        rejected_rows,
        -- ceil(100 * rejected / raw) in integer arithmetic: exact at every threshold
        {{ integer_divide('100 * rejected_rows + raw_rows - 1', 'raw_rows') }} as rejected_share_pct

    from shares
    where raw_rows > 0

)

select * from final
