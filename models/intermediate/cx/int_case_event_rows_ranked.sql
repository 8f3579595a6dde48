{#- A table of the columns the follow-up cases and the audit read, so the window runs once per
    build and the raw values (notes included) are not copied. Incremental: a run ranks again
    every row of each response_id with a row staged since its last run (the latest loaded_at it
    holds), and replaces that response_id's rows; the others keep theirs, as a new row changes
    only the ranking of its own response_id. The same rows as a full rebuild. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='response_id',
    on_schema_change='fail',
) }}

with

staged as (

    select * from {{ ref('stg_crm__case_events') }}

),

{% if is_incremental() %}

{{ cx_changed_keys('stg_crm__case_events', 'response_id') }},

{% endif %}

valid as (

    select staged.*
    from staged
    {% if is_incremental() -%}
    inner join changed_keys
        on staged.response_id = changed_keys.response_id
    {% endif -%}
    where staged.rejection_reason is null

),

ranked as (

    select
        source_file,
        source_row_number,
        feed_name,
        load_id,
        response_id,
        event_type,
        owner,
        -- one event exported twice (same case, type and time): the latest landing file and row
        -- wins, the other is superseded
        {{ cx_is_latest_row(['response_id', 'event_type', 'event_at']) }} as is_latest_row,
        event_at,
        loaded_at

    from valid

)

select * from ranked
