with

submissions as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

accepted as (

    select * from {{ ref('fct_nps_responses') }}

),

unmapped_submissions as (

    select * from submissions
    where channel = {{ nps_literal('placeholder', 'other') }}

),

unmapped_responses as (

    select unmapped_submissions.*
    from unmapped_submissions
    inner join accepted
        on
            unmapped_submissions.response_key = accepted.response_key
            and unmapped_submissions.source_file = accepted.source_file
            and unmapped_submissions.source_row_number = accepted.source_row_number

),

final as (

    select
        channel_raw_trimmed as raw_channel,
        channel_key,
        cast(count(*) as bigint) as responses,
        min(response_date) as first_response_date,
        max(response_date) as last_response_date

    from unmapped_responses
    group by channel_raw_trimmed, channel_key

)

select * from final
