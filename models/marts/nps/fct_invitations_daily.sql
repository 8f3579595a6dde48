{#- A table rebuilt by every build: a late invitation, a bounce reported later or a response
    arriving days after its invitation change the cells of past days. -#}

with

invitation_rows as (

    select * from {{ ref('int_invitation_rows_ranked') }}

),

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

invitations as (

    select * from invitation_rows
    where is_latest_row

),

-- an invitation is answered when an accepted response carries its id (the first one counts)
answers as (

    select
        invitation_id,
        min(submitted_at) as answered_at

    from responses
    where invitation_id is not null
    group by invitation_id

),

joined as (

    select
        {{ utc_to_local_date('invitations.sent_at', var('nps_reporting_timezone')) }} as sent_date,
        coalesce(invitations.survey_id, {{ nps_literal('placeholder', 'unknown') }}) as survey_id,
        invitations.channel,
        invitations.delivery_status,
        answers.answered_at is not null as is_answered,
        case
            when answers.answered_at is not null
                then {{ microseconds_between('invitations.sent_at', 'answers.answered_at') }}
        end as microseconds_to_answer

    from invitations
    left join answers
        on invitations.invitation_id = answers.invitation_id

),

daily as (

    select
        sent_date,
        survey_id,
        channel,
        cast(count(*) as bigint) as invitations,
        cast(sum(case when delivery_status = '{{ cx_bounced_status() }}' then 1 else 0 end) as bigint) as bounced,
        cast(sum(case when is_answered then 1 else 0 end) as bigint) as answered,
        -- twice the median, a whole number of microseconds (a median of an even count is the
        -- mean of two whole numbers)
        cast(round(2 * {{ median_of('microseconds_to_answer') }}) as bigint) as median_microseconds_x2

    from joined
    group by sent_date, survey_id, channel

),

final as (

    select
        sent_date,
        {{ cast_to_text('survey_id') }} as survey_id,
        {{ cast_to_text('channel') }} as channel,
        invitations,
        bounced,
        answered,
        -- of the invitations delivered: the bounced ones are counted apart
        {{ cx_rounded_ratio('answered', 'invitations - bounced', 100, 9) }} as response_rate,
        {{ cx_rounded_ratio('median_microseconds_x2', 2 * 3600 * 1000000, 1, 9) }} as median_hours_to_answer

    from daily

)

select * from final
