with

responses as (

    select * from {{ ref('int_nps_responses_deduplicated') }}

),

channel_aliases as (

    select * from {{ ref('stg_nps_reference__channel_aliases') }}

),

accepted as (

    select * from responses
    where status = {{ nps_literal('status', 'accepted') }}

),

enriched as (

    select
        accepted.response_id,
        accepted.survey_id,
        accepted.customer_id,
        accepted.agent_id,
        case
            when accepted.channel_raw_trimmed is null then {{ nps_literal('placeholder', 'unknown') }}
            else coalesce(channel_aliases.channel, {{ nps_literal('placeholder', 'other') }})
        end as channel,
        accepted.channel_raw_trimmed,
        accepted.channel_key,
        accepted.region,
        accepted.segment,
        accepted.nps_score,
        accepted.nps_category,
        accepted.comment,
        {{ utc_to_local_date('accepted.submitted_at', var('nps_reporting_timezone')) }} as response_date,
        accepted.submitted_at,
        accepted.source_file,
        accepted.source_row_number

    from accepted
    left join channel_aliases
        on accepted.channel_key = channel_aliases.alias_key

)

select * from enriched
