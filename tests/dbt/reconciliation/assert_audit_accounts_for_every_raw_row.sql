-- Every raw row of every landing file of the latest load (every file after a full refresh) has
-- exactly one audit row: per file, the staging rows, the audit rows and the last row number the
-- file reader gave must agree. Returns each file where they do not. Each CTE reads its
-- relation once (DuckDB materialises a CTE read twice).

with

staged as (

    select * from {{ ref('stg_nps_survey__responses') }}
    where loaded_at = {{ nps_latest_load() }}

),

audit as (

    select * from {{ ref('rpt_response_audit') }}
    where loaded_at = {{ nps_latest_load() }}

),

staged_per_file as (

    select
        source_file,
        count(*) as staged_rows,
        max(source_row_number) as last_row_number

    from staged
    group by source_file

),

audit_per_file as (

    select
        source_file,
        count(*) as audit_rows

    from audit
    group by source_file

),

compared as (

    select
        coalesce(staged_per_file.source_file, audit_per_file.source_file) as source_file,
        coalesce(staged_per_file.staged_rows, 0) as staged_rows,
        coalesce(staged_per_file.last_row_number, 0) as last_row_number,
        coalesce(audit_per_file.audit_rows, 0) as audit_rows

    from staged_per_file
    full outer join audit_per_file
        on staged_per_file.source_file = audit_per_file.source_file

)

select * from compared
where staged_rows <> audit_rows or staged_rows <> last_row_number
