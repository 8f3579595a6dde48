{#- The raw values of every interaction row, as the loader wrote them: a view, so they are stored
    once (in the raw table), and read only when the audit is (rpt_interaction_audit). -#}
with

source as (

    select * from {{ source('contact_centre', 'raw_interactions') }}

),

renamed as (

    select
        feed_name,
        source_file,
        source_row_number,
        load_id,
        interaction_id as raw_interaction_id,
        customer_id as raw_customer_id,
        agent_id as raw_agent_id,
        channel as raw_channel,
        started_at as raw_started_at,
        wait_seconds as raw_wait_seconds,
        handle_seconds as raw_handle_seconds,
        transfers as raw_transfers,
        is_first_contact_resolution as raw_is_first_contact_resolution

    from source

)

select * from renamed
