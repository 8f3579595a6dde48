{#- A table of the columns the engagement report and the audit read, so the window runs once per
    build and the raw values are not copied. Incremental: a run ranks again every row of each
    agent_id with a row staged since its last run (the latest loaded_at it holds), and replaces
    that agent_id's rows; the others keep theirs, as a new row changes only the ranking of its
    own agent_id. The same rows as a full rebuild. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='agent_id',
    on_schema_change='fail',
) }}

with

staged as (

    select * from {{ ref('stg_workforce__engagement_answers') }}

),

{% if is_incremental() %}

{{ cx_changed_keys('stg_workforce__engagement_answers', 'agent_id') }},

{% endif %}

valid as (

    select staged.*
    from staged
    {% if is_incremental() -%}
    inner join changed_keys
        on staged.agent_id = changed_keys.agent_id
    {% endif -%}
    where staged.rejection_reason is null

),

ranked as (

    select
        source_file,
        source_row_number,
        feed_name,
        load_id,
        agent_id,
        enps_score,
        enps_category,
        -- two rows of one agent at one surveyed_at (the same answer exported twice): the latest
        -- landing file and row wins
        {{ cx_is_latest_row(['agent_id', 'surveyed_at']) }} as is_latest_row,
        {{ utc_to_local_date('surveyed_at', var('nps_reporting_timezone')) }} as surveyed_date,
        surveyed_at,
        loaded_at

    from valid

)

select * from ranked
