{#- A table: the accepted case events known at cx_as_of, each with the status of its case before
    and after it. Only events that change the status (not `assigned`) are numbered; the status
    after a case's last numbered event is its status. -#}
{{ config(materialized='table') }}

with

event_rows as (

    select * from {{ ref('int_case_event_rows_ranked') }}

),

events as (

    select
        response_id,
        event_type,
        owner,
        event_at,
        source_file,
        source_row_number

    from event_rows
    where
        is_latest_row
        and event_at <= {{ cx_as_of() }}

),

with_status as (

    select
        *,
        case event_type
            {% for event_type, status in cx_case_status_after_event().items() -%}
                when {{ nps_literal('case_event_type', event_type) }} then {{ nps_literal('case_status', status) }}
            {% endfor -%}
        end as status_after

    from events

),

-- the number and the status before of each event that changes the status, in one window
-- (one sort of the events)
sequenced as (

    select
        response_id,
        event_type,
        owner,
        event_at,
        source_file,
        source_row_number,
        case
            when status_after is not null
                then row_number() over status_events
        end as status_event_number,
        case
            when status_after is not null
                then coalesce(lag(status_after) over status_events, {{ nps_literal('case_status', 'open') }})
        end as status_before,
        status_after

    from with_status
    window status_events as (
        partition by response_id, case when status_after is null then 0 else 1 end
        order by event_at, source_file, source_row_number
    )

)

select * from sequenced
