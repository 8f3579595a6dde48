{#- The raw values of every invitation row, as the loader wrote them: a view, so they are stored
    once (in the raw table), and read only when the audit is (rpt_invitation_audit). -#}
with

source as (

    select * from {{ source('nps_survey', 'raw_invitations') }}

),

renamed as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        invitation_id as raw_invitation_id,
        sent_at as raw_sent_at,
        survey_id as raw_survey_id,
        customer_id as raw_customer_id,
        channel as raw_channel,
        delivery_status as raw_delivery_status

    from source

)

select * from renamed
