with

responses as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

channel_aliases as (

    select * from {{ ref('stg_nps_reference__channel_aliases') }}

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
        case
            when valid.channel_raw_trimmed is null then {{ nps_literal('placeholder', 'unknown') }}
            else coalesce(channel_aliases.channel, {{ nps_literal('placeholder', 'other') }})
        end as channel,
        valid.channel_raw_trimmed,
        valid.channel_key,
        valid.region,
        valid.segment,
        valid.nps_score,
        valid.nps_category,
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

)

select * from enriched
