-- Every data row of every landing file the latest build staged (every file after a full
-- refresh) is accounted for, from the file to the audit: per file load, the rows the loader
-- read (raw.landing_file_loads), the staging rows, the audit rows and the last row number the
-- file reader gave must agree; and no load of that build's range is missing from staging (a
-- header-only file has no rows to stage). Returns each load where they do not. Each CTE reads
-- its relation once (DuckDB materialises a CTE read twice).

with

staged as (

    select * from {{ ref('stg_nps_survey__responses') }}
    where loaded_at = {{ nps_latest_load() }}

),

audit as (

    select * from {{ ref('rpt_response_audit') }}
    where loaded_at = {{ nps_latest_load() }}

),

-- the loads of the responses source only: the other sources' loads of a later day fall between
-- the responses' loads of a history rebuilt by `dbt build --full-refresh` without a reload
file_loads as (

    select * from {{ ref('stg_landing__file_loads') }}
    where source_name = 'responses'

),

staged_per_load as (

    select
        load_id,
        count(*) as staged_rows,
        max(source_row_number) as last_row_number

    from staged
    group by load_id

),

audit_per_load as (

    select
        load_id,
        count(*) as audit_rows

    from audit
    group by load_id

),

build_range as (

    select
        min(load_id) as first_load_id,
        max(load_id) as last_load_id

    from staged_per_load

),

loads_of_the_build as (

    select file_loads.*
    from file_loads
    inner join build_range
        on file_loads.load_id between build_range.first_load_id and build_range.last_load_id

),

compared as (

    select
        loads_of_the_build.source_file,
        coalesce(loads_of_the_build.load_id, staged_per_load.load_id, audit_per_load.load_id) as load_id,
        coalesce(loads_of_the_build.rows_read, -1) as rows_read,
        coalesce(staged_per_load.staged_rows, 0) as staged_rows,
        coalesce(staged_per_load.last_row_number, 0) as last_row_number,
        coalesce(audit_per_load.audit_rows, 0) as audit_rows

    from loads_of_the_build
    full outer join staged_per_load
        on loads_of_the_build.load_id = staged_per_load.load_id
    full outer join audit_per_load
        on coalesce(loads_of_the_build.load_id, staged_per_load.load_id) = audit_per_load.load_id

)

select * from compared
where
    staged_rows <> audit_rows
    or staged_rows <> last_row_number
    or staged_rows <> rows_read
