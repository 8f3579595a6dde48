with

responses as (

    select * from {{ ref('int_nps_responses_deduplicated') }}

),

final as (

    select
        source_file,
        source_row_number,
        response_id,
        raw_response_id,
        raw_survey_id,
        raw_customer_id,
        raw_submitted_at,
        raw_channel,
        raw_region,
        raw_segment,
        raw_agent_id,
        raw_score,
        raw_comment,
        status,
        rejection_reason as reason

    from responses

)

select * from final
