-- Every raw row of every landing file has exactly one audit row: returns each file whose raw
-- and audit row counts differ.

with

raw_rows as (

    select * from {{ source('nps_survey', 'raw_responses') }}

),

audit as (

    select * from {{ ref('rpt_response_audit') }}

),

raw_per_file as (

    select
        source_file,
        count(*) as raw_rows

    from raw_rows
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
        coalesce(raw_per_file.source_file, audit_per_file.source_file) as source_file,
        coalesce(raw_per_file.raw_rows, 0) as raw_rows,
        coalesce(audit_per_file.audit_rows, 0) as audit_rows

    from raw_per_file
    full outer join audit_per_file
        on raw_per_file.source_file = audit_per_file.source_file

)

select * from compared
where raw_rows <> audit_rows
