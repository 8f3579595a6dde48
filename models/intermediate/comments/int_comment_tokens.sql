{{ config(materialized='table') }}

with

clauses as (

    select * from {{ ref('int_comment_clauses') }}

),

tokens as (

    {{ regexp_matches_table(
        'clauses', ['response_id', 'clause_number'], 'clause_text', cx_token_pattern(), 'token', 'token_number'
    ) }}

),

final as (

    select
        response_id,
        clause_number,
        token_number,
        token,
        {{ regexp_full_match('token', '[a-z0-9]+') }} as is_word

    from tokens

)

select * from final
