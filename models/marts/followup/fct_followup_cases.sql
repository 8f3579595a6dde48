{#- A table rebuilt whole by every build: what is overdue depends on cx_as_of (by default the
    build's start), and a late case event, customer extract or agent move changes earlier cases. -#}

{%- set settings = cx_followup_settings() %}
{%- set as_of = cx_as_of() %}

with

openings as (

    select * from {{ ref('int_followup_case_openings') }}

),

responses as (

    select * from {{ ref('fct_cx_responses') }}

),

-- the responses again, read apart for the earlier and the later answers of a case's customer:
-- one import CTE read three times would be materialised whole first
detractor_responses as (

    select * from {{ ref('fct_cx_responses') }}
    where nps_category = {{ nps_literal('category', 'detractor') }}

),

answered_responses as (

    select * from {{ ref('fct_cx_responses') }}
    where nps_score is not null

),

agent_versions as (

    select * from {{ ref('int_agent_versions') }}

),

case_events as (

    select * from {{ ref('int_followup_case_events') }}

),

-- the events again, read apart for the status changes and the assignments (see above)
status_changes as (

    select * from {{ ref('int_followup_case_events') }}
    where status_event_number is not null

),

owner_assignments as (

    select * from {{ ref('int_followup_case_events') }}
    where
        event_type = {{ nps_literal('case_event_type', 'assigned') }}
        and owner is not null

),

-- a case per response with an opening submission; active while its published submission still
-- opens a case, cancelled once a resubmission no longer does
cases as (

    select
        responses.response_id as case_id,
        responses.customer_id,
        responses.survey_id,
        responses.channel,
        responses.region,
        responses.agent_id,
        responses.team,
        responses.site,
        responses.loyalty_tier,
        responses.nps_score,
        responses.nps_category,
        responses.csat_score,
        responses.submitted_at,
        openings.opened_at,
        openings.has_detractor_submission,
        case when {{ cx_opens_case('responses.nps_score', 'responses.csat_score') }} then 1 else 0 end as is_active

    from openings
    inner join responses
        on openings.response_id = responses.response_id

),

-- the agent's manager at the response, by the rule of fct_cx_responses' team
with_manager as (

    select
        cases.*,
        agent_versions.manager_id

    from cases
    left join agent_versions
        on
            cases.agent_id = agent_versions.agent_id
            and (cases.submitted_at < agent_versions.valid_to or agent_versions.valid_to is null)
            and (cases.submitted_at >= agent_versions.valid_from or agent_versions.version_number = 1)

),

-- a detractor case whose customer was a detractor in another response of the days before it
repeat_detractors as (

    select distinct cases.case_id

    from cases
    inner join detractor_responses as earlier
        on
            cases.customer_id = earlier.customer_id
            and cases.case_id != earlier.response_id
            and cases.opened_at > earlier.submitted_at
            and earlier.submitted_at
            >= {{ add_hours_to_timestamp('cases.opened_at', -24 * settings.repeat_detractor_days) }}
    where cases.nps_category = {{ nps_literal('category', 'detractor') }}

),

-- the customer's responses with an NPS answer after an active case's response, within the
-- recovery window and known at cx_as_of; the first is the next response
later_responses as (

    select
        cases.case_id,
        later.response_id,
        later.nps_score,
        later.nps_category,
        row_number() over (
            partition by cases.case_id
            order by later.submitted_at, later.response_id
        ) as later_number

    from cases
    inner join answered_responses as later
        on
            cases.customer_id = later.customer_id
            and cases.submitted_at < later.submitted_at
            and later.submitted_at
            <= {{ add_hours_to_timestamp('cases.submitted_at', 24 * settings.recovery_window_days) }}
            and later.submitted_at <= {{ as_of }}
    where cases.is_active = 1

),

next_responses as (

    select * from later_responses
    where later_number = 1

),

event_summary as (

    select
        response_id,
        cast(count(*) as bigint) as events,
        cast(sum(case when event_type = {{ nps_literal('case_event_type', 'reopened') }} then 1 else 0 end) as bigint)
            as times_reopened,
        min(case when event_type = {{ nps_literal('case_event_type', 'contacted') }} then event_at end)
            as first_contacted_at

    from case_events
    group by response_id

),

status_events as (

    select
        response_id,
        status_after,
        event_at,
        row_number() over (partition by response_id order by status_event_number desc) as from_last

    from status_changes

),

last_status as (

    select * from status_events
    where from_last = 1

),

assignments as (

    select
        response_id,
        owner,
        row_number() over (
            partition by response_id
            order by event_at desc, source_file desc, source_row_number desc
        ) as from_last

    from owner_assignments

),

last_assignment as (

    select * from assignments
    where from_last = 1

),

assembled as (

    select
        with_manager.*,
        case when repeat_detractors.case_id is not null then 1 else 0 end as is_repeat_detractor,
        case
            when with_manager.is_active = 0 then {{ nps_literal('case_status', 'cancelled') }}
            else coalesce(last_status.status_after, {{ nps_literal('case_status', 'open') }})
        end as status,
        last_status.event_at as last_status_at,
        coalesce(last_assignment.owner, with_manager.manager_id) as owner,  -- noqa: RF04
        coalesce(event_summary.events, 0) as events,
        coalesce(event_summary.times_reopened, 0) as times_reopened,
        event_summary.first_contacted_at,
        {{ add_hours_to_timestamp('with_manager.opened_at', settings.sla_hours) }} as sla_due_at,
        next_responses.response_id as next_response_id,
        next_responses.nps_score as next_nps_score,
        next_responses.nps_category as next_nps_category

    from with_manager
    left join repeat_detractors
        on with_manager.case_id = repeat_detractors.case_id
    left join last_status
        on with_manager.case_id = last_status.response_id
    left join last_assignment
        on with_manager.case_id = last_assignment.response_id
    left join event_summary
        on with_manager.case_id = event_summary.response_id
    left join next_responses
        on with_manager.case_id = next_responses.case_id

),

flagged as (

    {%- set tiers = settings.high_priority_tiers %}

    select
        *,
        case when nps_score <= {{ settings.high_priority_max_score }} then 1 else 0 end as is_low_score,
        case
            {%- if tiers | length > 0 %}
                when loyalty_tier in ({{ nps_literal_list(tiers) }}) then 1
            {%- endif %}
            else 0
        end as is_top_tier,
        {#- the category rank of a response: detractor 0, passive 1, promoter 2; a case without
            an NPS answer (opened by its CSAT) counts as a detractor -#}
        
        case nps_category
            when {{ nps_literal('category', 'promoter') }} then 2
            when {{ nps_literal('category', 'passive') }} then 1
            else 0
        end as category_rank,
        case next_nps_category
            when {{ nps_literal('category', 'promoter') }} then 2
            when {{ nps_literal('category', 'passive') }} then 1
            when {{ nps_literal('category', 'detractor') }} then 0
        end as next_category_rank

    from assembled

),

final as (

    select
        case_id,
        customer_id,
        survey_id,
        channel,
        region,
        agent_id,
        team,
        site,
        loyalty_tier,
        nps_score,
        nps_category,
        csat_score,
        cast(case
            when has_detractor_submission = 1 then {{ nps_literal('case_reason', 'detractor') }}
            else {{ nps_literal('case_reason', 'dissatisfied_csat') }}
        end as {{ text_type() }}) as case_reason,
        cast(case
            when
                is_low_score = 1 or is_repeat_detractor = 1 or is_top_tier = 1
                then {{ nps_literal('case_priority', 'high') }}
            else {{ nps_literal('case_priority', 'normal') }}
        end as {{ text_type() }}) as priority,
        {{ cast_to_text("nullif(concat_ws(', ', "
            ~ "case when is_low_score = 1 then " ~ nps_literal('priority_reason', 'low_score') ~ " end, "
            ~ "case when is_repeat_detractor = 1 then " ~ nps_literal('priority_reason', 'repeat_detractor') ~ " end, "
            ~ "case when is_top_tier = 1 then " ~ nps_literal('priority_reason', 'top_tier') ~ " end), '')") }}
            as priority_reasons,
        opened_at,
        {{ utc_to_local_date('opened_at', var('nps_reporting_timezone')) }} as opened_date,
        sla_due_at,
        {{ cast_to_text('owner') }} as owner,  -- noqa: RF04
        cast(status as {{ text_type() }}) as status,
        events,
        times_reopened,
        first_contacted_at,
        {{ cx_rounded_ratio(microseconds_between('opened_at', 'first_contacted_at'), 3600000000, 1, precision=9) }}
            as hours_to_first_contact,
        case
            when status = {{ nps_literal('case_status', 'cancelled') }} then null
            when first_contacted_at is not null then first_contacted_at <= sla_due_at
            when {{ as_of }} > sla_due_at then false
        end as is_sla_met,
        (
            status = {{ nps_literal('case_status', 'open') }}
            and first_contacted_at is null
            and {{ as_of }} > sla_due_at
        ) as is_overdue,
        case when status = {{ nps_literal('case_status', 'closed') }} then last_status_at end as closed_at,
        next_response_id,
        next_nps_score,
        case when next_category_rank is not null then next_category_rank > category_rank end as is_recovered,
        {{ as_of }} as as_of

    from flagged

)

select * from final
