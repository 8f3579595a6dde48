{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. Incremental: a run ranks
    again every row of each interaction_id with a row staged since its last run (the latest
    loaded_at it holds), and replaces that interaction_id's rows; the others keep theirs, as a
    new row changes only the ranking of its own interaction_id. The same rows as a full rebuild. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
    on_schema_change='fail',
) }}

with

staged as (

    select * from {{ ref('stg_contact_centre__interactions') }}

),

{% if is_incremental() %}

{{ cx_changed_keys('stg_contact_centre__interactions', 'interaction_id') }},

{% endif %}

valid as (

    select staged.*
    from staged
    {% if is_incremental() -%}
    inner join changed_keys
        on staged.interaction_id = changed_keys.interaction_id
    {% endif -%}
    where staged.rejection_reason is null

),

ranked as (

    select
        source_file,
        source_row_number,
        feed_name,
        load_id,
        interaction_id,
        customer_id,
        agent_id,
        channel,
        wait_seconds,
        handle_seconds,
        transfers,
        is_first_contact_resolution,
        -- an interaction sent again (a re-export, a correction): the latest landing file and row wins
        {{ cx_is_latest_row(['interaction_id']) }} as is_latest_row,
        started_at,
        loaded_at

    from valid

)

select * from ranked
