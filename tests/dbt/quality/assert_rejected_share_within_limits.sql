-- A mass rejection means the export format changed (or the feed's settings do not fit it). The
-- test's result is the highest rejected share of the raw rows of one load (a build's new files;
-- all files after a full refresh), in whole percent, rounded up - rows excluded as a survey
-- tool's previews, tests or unfinished responses count neither as rows nor as rejected: it warns above var
-- nps_rejected_share_warn_pct and fails above var nps_rejected_share_error_pct. A failure stops
-- dbt build before any mart is touched: the marts of the last good build stay. The build's
-- summary (on-run-end) then names the load's files, its share and its top reasons, and
-- audit.rpt_rejected_rows shows the rows: the gate reads staging and the valid submissions
-- (rejected = raw rows - excluded rows - valid rows), so it holds back everything built from the valid
-- submissions, not the view of the rejected rows. Every load is checked on every build: a bad
-- load keeps failing the build until its files are removed and the warehouse rebuilt with
-- --full-refresh, so it can never slip into the marts later.
{{ config(
    fail_calc = 'coalesce(max(rejected_share_pct), 0)',
    warn_if = '>' ~ var('nps_rejected_share_warn_pct'),
    error_if = '>' ~ var('nps_rejected_share_error_pct'),
) }}

with

raw_rows as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

valid_rows as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

raw_per_load as (

    select
        loaded_at,
        cast(sum(
            case
                when rejection_reason in ({{ nps_literal_list(nps_exclusion_reasons()) }}) then 0
                else 1
            end
        ) as bigint) as raw_rows

    from raw_rows
    group by loaded_at

),

valid_per_load as (

    select
        loaded_at,
        cast(count(*) as bigint) as valid_rows

    from valid_rows
    group by loaded_at

),

counted as (

    select
        raw_per_load.loaded_at,
        raw_per_load.raw_rows,
        raw_per_load.raw_rows - coalesce(valid_per_load.valid_rows, 0) as rejected_rows

    from raw_per_load
    left join valid_per_load
        on raw_per_load.loaded_at = valid_per_load.loaded_at
    where raw_per_load.raw_rows > 0

),

final as (

    select
        loaded_at,
        raw_rows,
        rejected_rows,
        -- ceil(100 * rejected / raw) in integer arithmetic: exact at every threshold
        {{ integer_divide('100 * rejected_rows + raw_rows - 1', 'raw_rows') }} as rejected_share_pct

    from counted

)

select * from final
