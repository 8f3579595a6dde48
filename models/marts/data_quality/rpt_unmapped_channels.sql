with

responses as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

unmapped as (

    select * from responses
    where channel = {{ nps_literal('placeholder', 'other') }}

),

final as (

    select
        channel_raw_trimmed as raw_channel,
        channel_key,
        cast(count(*) as bigint) as responses,
        min(response_date) as first_response_date,
        max(response_date) as last_response_date

    from unmapped
    group by channel_raw_trimmed, channel_key

)

select * from final
