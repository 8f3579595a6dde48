{#- A table, rebuilt with the cases: whom to call first, as of cx_as_of. -#}

with

cases as (

    select * from {{ ref('fct_followup_cases') }}

),

insights as (

    select * from {{ ref('fct_comment_insights') }}

),

comment_themes as (

    select * from {{ ref('fct_comment_themes') }}

),

pending as (

    select * from cases
    where {{ cx_case_is_pending('status') }} = 1

),

themes as (

    select
        pending.case_id,
        {{ sorted_text_list_agg('comment_themes.theme') }} as themes

    from pending
    inner join comment_themes
        on pending.case_id = comment_themes.response_id
    group by pending.case_id

),

ranked as (

    select
        -- overdue first, then high priority, then the earliest due; the case id breaks ties
        cast(row_number() over (
            order by
                case when pending.is_overdue then 0 else 1 end,
                case when pending.priority = {{ nps_literal('case_priority', 'high') }} then 0 else 1 end,
                pending.sla_due_at,
                pending.case_id
        ) as bigint) as queue_rank,
        pending.case_id,
        pending.priority,
        pending.priority_reasons,
        pending.status,
        pending.is_overdue,
        {{ cx_rounded_ratio(microseconds_between('pending.as_of', 'pending.sla_due_at'), 3600000000, 1, precision=9) }}
            as hours_until_due,
        pending.owner,
        pending.team,
        pending.region,
        pending.channel,
        pending.customer_id,
        pending.loyalty_tier,
        pending.nps_score,
        pending.csat_score,
        pending.opened_at,
        pending.sla_due_at,
        pending.first_contacted_at,
        insights.comment_masked,
        insights.sentiment,
        {{ cast_to_text('themes.themes') }} as themes,
        pending.as_of

    from pending
    left join insights
        on pending.case_id = insights.response_id
    left join themes
        on pending.case_id = themes.case_id

)

select * from ranked
