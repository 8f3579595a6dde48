{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. Incremental: a run ranks
    again every row of each invitation_id with a row staged since its last run (the latest
    loaded_at it holds), and replaces that invitation_id's rows; the others keep theirs, as a
    new row changes only the ranking of its own invitation_id. The same rows as a full rebuild. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='invitation_id',
    on_schema_change='fail',
) }}

with

staged as (

    select * from {{ ref('stg_nps_survey__invitations') }}

),

channel_aliases as (

    select * from {{ ref('stg_nps_reference__channel_aliases') }}

),

{% if is_incremental() %}

{%- if execute and 'channel_key' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) %}
    {{ exceptions.raise_compiler_error(
        this ~ " was built by an earlier version of the project, without channel_key: rebuild it once "
        ~ "with `dbt build --full-refresh --select int_invitation_rows_ranked+`"
    ) }}
{%- endif %}

{#- a stored channel that is no longer what the seed nps_channel_aliases says (an alias added or
    changed) -#}
{%- set stale_channel -%}
    ranked_before.channel
    <> case
        when ranked_before.channel_key is null then {{ nps_literal('placeholder', 'unknown') }}
        else coalesce(channel_aliases.channel, {{ nps_literal('placeholder', 'other') }})
    end
{%- endset %}

{#- whether the seed was edited since: read now from the table's few distinct (channel_key,
    channel) pairs, so that a run without an edit neither reads every invitation nor joins
    staging to a key list DuckDB cannot size (5.5 s on 22M invitations instead of 1.7 s) -#}
{%- set remapped = execute and run_query(
    "select count(*) from (select distinct channel_key, channel from " ~ this ~ ") as ranked_before"
    ~ " left join " ~ ref('stg_nps_reference__channel_aliases') ~ " as channel_aliases"
    ~ " on ranked_before.channel_key = channel_aliases.alias_key where " ~ stale_channel
).columns[0].values()[0] > 0 %}

{% if remapped -%}
-- the invitations whose stored channel the edited seed changes, so that it applies to every
-- invitation as in a full rebuild
remapped_rows as (

    select ranked_before.invitation_id
    from {{ this }} as ranked_before
    left join channel_aliases
        on ranked_before.channel_key = channel_aliases.alias_key
    where
        {{ stale_channel }}

),

{% endif -%}

{{ cx_changed_keys(
    'stg_nps_survey__invitations', 'invitation_id', also='select invitation_id from remapped_rows' if remapped else none
) }},

{% endif %}

valid as (

    select staged.*
    from staged
    {% if is_incremental() -%}
    inner join changed_keys
        on staged.invitation_id = changed_keys.invitation_id
    {% endif -%}
    where staged.rejection_reason is null

),

ranked as (

    select
        valid.source_file,
        valid.source_row_number,
        valid.feed_name,
        valid.load_id,
        valid.invitation_id,
        valid.survey_id,
        valid.customer_id,
        valid.delivery_status,
        case
            when valid.channel_raw_trimmed is null then {{ nps_literal('placeholder', 'unknown') }}
            else coalesce(channel_aliases.channel, {{ nps_literal('placeholder', 'other') }})
        end as channel,
        valid.channel_key,
        -- an invitation sent again (a re-export, a correction): the latest landing file and row wins
        {{ cx_is_latest_row(['valid.invitation_id']) }} as is_latest_row,
        valid.sent_at,
        valid.loaded_at

    from valid
    left join channel_aliases
        on valid.channel_key = channel_aliases.alias_key

)

select * from ranked
