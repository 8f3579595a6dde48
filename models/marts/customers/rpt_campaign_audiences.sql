{#- A table rebuilt with the customers' health: who to invite, re-engage or win back, as of
    cx_as_of. Ids and attributes only, never a comment: it feeds the CRM. -#}

{%- set settings = cx_health_settings() %}
{%- set as_of_date = utc_to_local_date(cx_as_of(), var('nps_reporting_timezone')) %}

with

health as (

    select * from {{ ref('fct_customer_health') }}

),

flagged as (

    select
        health.*,
        health.latest_case_id as case_id,
        health.latest_case_status as case_status,
        case
            when
                health.last_nps_category = {{ nps_literal('category', 'promoter') }}
                and health.last_response_date >= {{ add_days_to_date(as_of_date, -settings.referral_recent_days) }}
                and health.open_cases = 0
                then 1
            else 0
        end as is_referral,
        case
            when
                health.last_nps_category = {{ nps_literal('category', 'passive') }}
                and health.open_cases = 0
                and not health.is_at_risk
                then 1
            else 0
        end as is_reengagement,
        case
            when health.last_nps_category = {{ nps_literal('category', 'detractor') }} or health.open_cases > 0 then 1
            else 0
        end as is_recovery,
        case when health.likely_promoter_reasons like '%promoter_twice%' then 1 else 0 end as why_promoter_twice,
        case when health.nps_change > 0 then 1 else 0 end as why_rising,
        case when health.last_nps_category = {{ nps_literal('category', 'detractor') }} then 1 else 0 end
            as why_last_answer_detractor,
        case when health.open_cases > 0 then 1 else 0 end as why_open_case,
        case when health.overdue_cases > 0 then 1 else 0 end as why_overdue_case,
        1 as why_recent_promoter,
        1 as why_passive

    from health

),

audiences as (

    select
        'referral_candidates' as audience,
        customer_id,
        {{ cx_reason_list(['recent_promoter', 'promoter_twice'], 'why_') }} as reasons,
        loyalty_tier,
        last_nps_score,
        last_response_date,
        cast(null as {{ text_type() }}) as case_id,
        cast(null as {{ text_type() }}) as case_status,
        is_at_risk,
        as_of
    from flagged
    where is_referral = 1
    union all
    select
        'passive_reengagement' as audience,
        customer_id,
        {{ cx_reason_list(['passive', 'rising'], 'why_') }} as reasons,
        loyalty_tier,
        last_nps_score,
        last_response_date,
        cast(null as {{ text_type() }}) as case_id,
        cast(null as {{ text_type() }}) as case_status,
        is_at_risk,
        as_of
    from flagged
    where is_reengagement = 1
    union all
    select
        'detractor_recovery' as audience,
        customer_id,
        {{ cx_reason_list(['last_answer_detractor', 'open_case', 'overdue_case'], 'why_') }} as reasons,
        loyalty_tier,
        last_nps_score,
        last_response_date,
        case_id,
        case_status,
        is_at_risk,
        as_of
    from flagged
    where is_recovery = 1

),

final as (

    select
        {{ cast_to_text('audience') }} as audience,
        customer_id,
        reasons,
        loyalty_tier,
        last_nps_score,
        last_response_date,
        {{ cast_to_text('case_id') }} as case_id,
        {{ cast_to_text('case_status') }} as case_status,
        is_at_risk,
        as_of

    from audiences

)

select * from final
