{#- The comments cut into clauses. Reads the published responses (their masked comment, one per
    accepted response): every superseded submission would otherwise be read too. Incremental:
    a run reads the responses published since its last one (cx_comment_incremental.sql). -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read() }}",
) }}

with

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

commented as (

    select
        response_id,
        loaded_at,
        {{ cx_mark_contrasts(cx_fold_comment('comment')) }} as marked_text

    from responses
    where {{ trim_whitespace('comment') }} <> ''
    {%- if is_incremental() %}
        and loaded_at > {{ cx_comment_watermark() }}
    {%- endif %}

),

clauses as (

    {{ regexp_matches_table(
        'commented', ['response_id', 'loaded_at'], 'marked_text', cx_clause_pattern(), 'marked_clause', 'clause_number'
    ) }}

),

final as (

    {%- set settings = cx_comment_settings() %}

    select
        response_id,
        clause_number,
        -- a clause before a contrast word weighs less, the one after it more
        cast(case
            when marked_clause like '%{' then {{ settings.before_contrast }}
            when marked_clause like '}%' then {{ settings.after_contrast }}
            else 1
        end as numeric(2, 1)) as clause_weight,
        translate(marked_clause, '{}', '') as clause_text,
        loaded_at

    from clauses

)

select * from final
