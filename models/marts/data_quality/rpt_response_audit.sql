{#- A view: the raw values live once, in the raw table (stg_nps_survey__raw_responses); what the
    rules made of each row in staging; the status comes from fct_nps_responses. So the audit is
    complete and current after every build, full or incremental, without a copy. -#}
{{ config(materialized='view') }}

with

raw_rows as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

raw_values as (

    select * from {{ ref('stg_nps_survey__raw_responses') }}

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
        raw_values.raw_response_id,
        raw_values.raw_survey_id,
        raw_values.raw_customer_id,
        raw_values.raw_submitted_at,
        raw_values.raw_channel,
        raw_values.raw_region,
        raw_values.raw_segment,
        raw_values.raw_agent_id,
        raw_values.raw_score,
        raw_values.raw_comment,
        raw_values.raw_language,
        raw_values.raw_response_type,
        raw_values.raw_finished,
        raw_values.raw_touchpoint,
        raw_values.raw_brand,
        raw_values.raw_business_unit,
        raw_values.raw_interaction_id,
        raw_values.raw_invitation_id,
        raw_values.raw_csat_score,
        raw_values.raw_ces_score,
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
    -- with the load id in the key, a test of the latest load skips the raw table's older loads
    left join raw_values
        on
            raw_rows.load_id = raw_values.load_id
            and raw_rows.source_file = raw_values.source_file
            and raw_rows.source_row_number = raw_values.source_row_number
    left join accepted
        on raw_rows.response_key = accepted.response_key

)

select * from statused
