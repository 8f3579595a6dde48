with

responses as (

    select * from {{ ref('int_nps_responses_enriched') }}

),

final as (

    select
        response_id,
        survey_id,
        customer_id,
        agent_id,
        channel,
        region,
        segment,
        nps_score,
        nps_category,
        comment,
        response_date,
        submitted_at,
        source_file,
        source_row_number

    from responses

)

select * from final
