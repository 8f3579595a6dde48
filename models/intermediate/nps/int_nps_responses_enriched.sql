{#- A view, but a table on Spark, whose metastore refuses a view text as long as this one's. -#}
{{ config(materialized=long_view_materialization()) }}

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
        -- masked below: personal data never leaves staging and the audit. Only a comment with a
        -- digit or an @ can hold any; the others (most) are published as written, without
        -- running the masking's regular expressions on them (null here)
        valid.raw_comment as comment_as_written,
        case
            when {{ cx_may_hold_personal_data('valid.raw_comment') }}
                then {{ cx_mask_emails_and_ibans('valid.raw_comment') }}
        end as comment_without_contacts,
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

),

-- payment-card numbers: each candidate digit run is masked only when it passes the Luhn check
card_candidates as (

    select
        *,
        {{ cx_card_candidate_columns('comment_without_contacts') }}

    from enriched

),

card_digits as (

    select
        *,
        {{ cx_card_digits_columns() }}

    from card_candidates

),

cards_checked as (

    select
        *,
        {{ cx_card_check_columns() }}

    from card_digits

),

cards_masked as (

    select
        *,
        {{ cx_mask_cards('comment_without_contacts') }} as comment_without_cards

    from cards_checked

),

masked as (

    select
        *,
        -- the published column name is the keyword comment; cast, as PostgreSQL's regexp_replace
        -- returns text and the incremental fct_nps_responses was created as varchar
        {{ cast_to_text(
            'case when comment_without_contacts is null then comment_as_written else '
            ~ cx_mask_phones('comment_without_cards') ~ ' end'
        ) }} as comment  -- noqa: RF04

    from cards_masked

),

final as (

    select
        response_key,
        response_id,
        survey_id,
        customer_id,
        agent_id,
        interaction_id,
        invitation_id,
        channel,
        channel_raw_trimmed,
        channel_key,
        region,
        segment,
        survey_type,
        touchpoint,
        brand,
        business_unit,
        language,  -- noqa: RF04
        nps_score,
        nps_category,
        csat_score,
        csat_category,
        ces_score,
        ces_category,
        comment,  -- noqa: RF04
        response_date,
        submitted_at,
        feed_name,
        source_file,
        source_row_number,
        loaded_at

    from masked

)

select * from final
