{#- A table of the columns the history (or the latest record), the audit and the marts read, so
    the window runs once per build and the raw values are not copied. -#}
{{ config(materialized='table') }}

with

staged as (

    select * from {{ ref('stg_nps_survey__invitations') }}

),

channel_aliases as (

    select * from {{ ref('stg_nps_reference__channel_aliases') }}

),

valid as (

    select * from staged
    where rejection_reason is null

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
        -- an invitation sent again (a re-export, a correction): the latest landing file and row wins
        {{ cx_is_latest_row(['valid.invitation_id']) }} as is_latest_row,
        valid.sent_at,
        valid.loaded_at

    from valid
    left join channel_aliases
        on valid.channel_key = channel_aliases.alias_key

)

select * from ranked
