{#- A view: the raw values live once, in staging; the status comes from fct_nps_responses, so
    the audit is complete and current after every build, full or incremental, without a copy. -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

accepted as (

    select * from {{ ref('fct_nps_responses') }}

),

statused as (

    select
        raw_rows.source_file,
        raw_rows.source_row_number,
        raw_rows.response_id,
        raw_rows.feed_name,
        raw_rows.raw_response_id,
        raw_rows.raw_survey_id,
        raw_rows.raw_customer_id,
        raw_rows.raw_submitted_at,
        raw_rows.raw_channel,
        raw_rows.raw_region,
        raw_rows.raw_segment,
        raw_rows.raw_agent_id,
        raw_rows.raw_score,
        raw_rows.raw_comment,
        raw_rows.raw_language,
        raw_rows.raw_response_type,
        raw_rows.raw_finished,
        raw_rows.raw_touchpoint,
        raw_rows.raw_brand,
        raw_rows.raw_business_unit,
        raw_rows.raw_interaction_id,
        raw_rows.raw_invitation_id,
        raw_rows.raw_csat_score,
        raw_rows.raw_ces_score,
        case
            when raw_rows.rejection_reason is not null then {{ nps_literal('status', 'rejected') }}
            when
                raw_rows.source_file = accepted.source_file
                and raw_rows.source_row_number = accepted.source_row_number
                then {{ nps_literal('status', 'accepted') }}
            when accepted.response_key is not null then {{ nps_literal('status', 'superseded') }}
            -- valid, but its response is not published: a build stopped after reading it
            else {{ nps_literal('status', 'pending') }}
        end as status,
        raw_rows.rejection_reason as reason,
        raw_rows.metric_issues,
        raw_rows.load_id,
        raw_rows.loaded_at

    from raw_rows
    left join accepted
        on raw_rows.response_key = accepted.response_key

)

select * from statused
