{#- A table rebuilt with the cases: each day of the follow-up of each team and region, from its
    first case to the day of cx_as_of (days without a case included, for the backlog). -#}

{%- set tz = var('nps_reporting_timezone') %}
{%- set as_of = cx_as_of() %}

with

cases as (

    select * from {{ ref('fct_followup_cases') }}

),

case_events as (

    select * from {{ ref('int_followup_case_events') }}

),

active as (

    select * from cases
    where status != {{ nps_literal('case_status', 'cancelled') }}

),

opened as (

    select
        team,
        region,
        opened_date as case_date,
        cast(count(*) as bigint) as cases_opened,
        cast(sum(case when is_recovered is not null then 1 else 0 end) as bigint) as cases_with_next_response,
        cast(sum(case when is_recovered then 1 else 0 end) as bigint) as cases_recovered

    from active
    group by team, region, opened_date

),

contacted as (

    select
        team,
        region,
        {{ utc_to_local_date('first_contacted_at', tz) }} as case_date,
        cast(sum(case when is_sla_met then 1 else 0 end) as bigint) as cases_contacted_in_sla,
        cast(sum(case when is_sla_met then 0 else 1 end) as bigint) as cases_contacted_late,
        {{ median_of(microseconds_between('opened_at', 'first_contacted_at')) }} as median_microseconds_to_contact

    from active
    where first_contacted_at is not null
    group by team, region, {{ utc_to_local_date('first_contacted_at', tz) }}

),

closed as (

    select
        team,
        region,
        {{ utc_to_local_date('closed_at', tz) }} as case_date,
        cast(count(*) as bigint) as cases_closed

    from active
    where closed_at is not null
    group by team, region, {{ utc_to_local_date('closed_at', tz) }}

),

due as (

    select
        team,
        region,
        {{ utc_to_local_date('sla_due_at', tz) }} as case_date,
        cast(count(*) as bigint) as cases_due,
        cast(sum(case when is_sla_met then 1 else 0 end) as bigint) as cases_due_met

    from active
    where sla_due_at <= {{ as_of }}
    group by team, region, {{ utc_to_local_date('sla_due_at', tz) }}

),

-- the backlog's moves: a case enters on its opening day, then every status event of an active
-- case moves it in or out (resolved and closed are out; reopened is back in)
backlog_moves as (

    select
        team,
        region,
        opened_date as case_date,
        1 as backlog_change

    from active
    union all
    select
        active.team,
        active.region,
        {{ utc_to_local_date('case_events.event_at', tz) }} as case_date,
        {{ cx_case_is_pending('case_events.status_after') }}
        - {{ cx_case_is_pending('case_events.status_before') }} as backlog_change

    from case_events
    inner join active
        on case_events.response_id = active.case_id
    where case_events.status_event_number is not null

),

backlog_by_day as (

    select
        team,
        region,
        case_date,
        cast(sum(backlog_change) as bigint) as backlog_move

    from backlog_moves
    group by team, region, case_date

),

cell_days as (

    select
        team,
        region,
        case_date
    from opened
    union all
    select
        team,
        region,
        case_date
    from contacted
    union all
    select
        team,
        region,
        case_date
    from closed
    union all
    select
        team,
        region,
        case_date
    from due
    union all
    select
        team,
        region,
        case_date
    from backlog_by_day

),

cells as (

    select
        team,
        region,
        min(case_date) as first_day

    from cell_days
    group by team, region

),

days as (

    {{ date_spine_days(
        'select min(first_day) from cells',
        'select ' ~ utc_to_local_date(as_of, tz)
    ) }}

),

grid as (

    select
        days.date_day as case_date,
        cells.team,
        cells.region

    from cells
    inner join days
        on cells.first_day <= days.date_day

),

final as (

    select
        grid.case_date,
        grid.team,
        grid.region,
        coalesce(opened.cases_opened, 0) as cases_opened,
        coalesce(contacted.cases_contacted_in_sla, 0) as cases_contacted_in_sla,
        coalesce(contacted.cases_contacted_late, 0) as cases_contacted_late,
        coalesce(closed.cases_closed, 0) as cases_closed,
        cast(sum(coalesce(backlog_by_day.backlog_move, 0)) over (
            partition by grid.team, grid.region
            order by grid.case_date
            rows between unbounded preceding and current row
        ) as bigint) as backlog,
        coalesce(due.cases_due, 0) as cases_due,
        coalesce(due.cases_due_met, 0) as cases_due_met,
        {{ cx_rounded_ratio('coalesce(due.cases_due_met, 0)', 'coalesce(due.cases_due, 0)', 100) }} as sla_met_pct,
        {{ cx_rounded_ratio('2 * contacted.median_microseconds_to_contact', 7200000000, 1, precision=9) }}
            as median_hours_to_first_contact,
        coalesce(opened.cases_with_next_response, 0) as cases_with_next_response,
        coalesce(opened.cases_recovered, 0) as cases_recovered,
        {{ cx_rounded_ratio(
            'coalesce(opened.cases_recovered, 0)', 'coalesce(opened.cases_with_next_response, 0)', 100
        ) }}
            as recovery_pct

    from grid
    left join opened
        on
            grid.team = opened.team
            and grid.region = opened.region
            and grid.case_date = opened.case_date
    left join contacted
        on
            grid.team = contacted.team
            and grid.region = contacted.region
            and grid.case_date = contacted.case_date
    left join closed
        on
            grid.team = closed.team
            and grid.region = closed.region
            and grid.case_date = closed.case_date
    left join due
        on
            grid.team = due.team
            and grid.region = due.region
            and grid.case_date = due.case_date
    left join backlog_by_day
        on
            grid.team = backlog_by_day.team
            and grid.region = backlog_by_day.region
            and grid.case_date = backlog_by_day.case_date

)

select * from final
