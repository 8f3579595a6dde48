{#- The raw values of every response row, as the loader wrote them: a view, so they are stored
    once (in the raw table), and read only when the audit is. -#}
with

source as (

    select * from {{ source('nps_survey', 'raw_responses') }}

),

renamed as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        response_id as raw_response_id,
        survey_id as raw_survey_id,
        customer_id as raw_customer_id,
        submitted_at as raw_submitted_at,
        channel as raw_channel,
        region as raw_region,
        segment as raw_segment,
        agent_id as raw_agent_id,
        score as raw_score,
        comment as raw_comment,
        language as raw_language,
        response_type as raw_response_type,
        finished as raw_finished,
        touchpoint as raw_touchpoint,
        brand as raw_brand,
        business_unit as raw_business_unit,
        interaction_id as raw_interaction_id,
        invitation_id as raw_invitation_id,
        csat_score as raw_csat_score,
        ces_score as raw_ces_score,
        extra_columns

    from source

)

select * from renamed
