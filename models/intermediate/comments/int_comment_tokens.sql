{#- The tokens of each clause, each with the three tokens after it in its clause: a phrase or a
    theme pattern of up to four words is then found on the row of its first word, never by
    joining the tokens to themselves (at ten million comments those joins were most of the
    comment models' time). Incremental: the clauses of the responses published since the last
    run (cx_comment_incremental.sql). -#}
-- depends_on: {{ ref('fct_nps_responses') }}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ cx_forget_comments_to_read() }}",
) }}

with

clauses as (

    select * from {{ ref('int_comment_clauses') }}
    {%- if is_incremental() %}
    where loaded_at > {{ cx_comment_watermark() }}
    {%- endif %}

),

tokens as (

    {{ regexp_matches_table(
        'clauses', ['response_id', 'clause_number', 'loaded_at'], 'clause_text', cx_token_pattern(), 'token',
        'token_number', following=3
    ) }}

),

final as (

    select
        response_id,
        clause_number,
        token_number,
        token,
        {{ regexp_full_match('token', '[a-z0-9]+') }} as is_word,
        token_after_1,
        token_after_2,
        token_after_3,
        loaded_at

    from tokens

)

select * from final
