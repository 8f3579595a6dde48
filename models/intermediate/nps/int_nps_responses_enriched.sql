with

responses as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

channel_aliases as (

    select * from {{ ref('stg_nps_reference__channel_aliases') }}

),

surveys as (

    select * from {{ ref('stg_nps_reference__surveys') }}

),

valid as (

    select * from responses
    where rejection_reason is null

),

enriched as (

    select
        valid.response_key,
        valid.response_id,
        valid.survey_id,
        valid.customer_id,
        valid.agent_id,
        valid.interaction_id,
        valid.invitation_id,
        case
            when valid.channel_raw_trimmed is null then {{ nps_literal('placeholder', 'unknown') }}
            else coalesce(channel_aliases.channel, {{ nps_literal('placeholder', 'other') }})
        end as channel,
        valid.channel_raw_trimmed,
        valid.channel_key,
        valid.region,
        valid.segment,
        -- the survey's programme: the response's own touchpoint, brand and business unit win
        -- over the defaults of its survey in the seed nps_surveys
        coalesce(surveys.survey_type, {{ nps_literal('survey_type', 'unknown') }}) as survey_type,
        coalesce(valid.touchpoint, surveys.touchpoint, {{ nps_literal('placeholder', 'unknown') }}) as touchpoint,
        coalesce(valid.brand, surveys.brand, {{ nps_literal('placeholder', 'unknown') }}) as brand,
        coalesce(
            valid.business_unit, surveys.business_unit, {{ nps_literal('placeholder', 'unknown') }}
        ) as business_unit,
        coalesce(valid.language, {{ nps_literal('placeholder', 'unknown') }}) as language,  -- noqa: RF04
        valid.nps_score,
        valid.nps_category,
        valid.csat_score,
        valid.csat_category,
        valid.ces_score,
        valid.ces_category,
        -- the published column name is the keyword comment
        valid.raw_comment as comment,  -- noqa: RF04
        {{ utc_to_local_date('valid.submitted_at', var('nps_reporting_timezone')) }} as response_date,
        valid.submitted_at,
        valid.feed_name,
        valid.source_file,
        valid.source_row_number,
        valid.loaded_at

    from valid
    left join channel_aliases
        on valid.channel_key = channel_aliases.alias_key
    left join surveys
        on valid.survey_id = surveys.survey_id

)

select * from enriched
