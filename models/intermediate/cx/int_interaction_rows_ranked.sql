with

staged as (

    select * from {{ ref('stg_contact_centre__interactions') }}

),

valid as (

    select * from staged
    where rejection_reason is null

),

ranked as (

    select
        *,
        -- an interaction sent again (a re-export, a correction): the latest landing file and row wins
        {{ cx_is_latest_row(['interaction_id']) }} as is_latest_row

    from valid

)

select * from ranked
