{#- No text of `column` still holds personal data: an e-mail address, an IBAN, a phone number,
    or a card number that passes the Luhn check (alone or followed by another group of digits) (the masking's own patterns, run again on its
    output: a comment with more card numbers than the masking reads fails here). -#}
{% test cx_no_personal_data(model, column) %}

{%- set kinds = cx_personal_data_patterns() %}

with

texts as (

    select {{ column }} as checked_text
    from {{ model }}
    where {{ column }} is not null

),

candidates as (

    select
        checked_text,
        {{ regexp_nth_group('checked_text', '(' ~ kinds.email.pattern ~ ')', 1, 1) }} as email_found,
        {{ regexp_nth_group('checked_text', '(' ~ kinds.iban.pattern ~ ')', 1, 1) }} as iban_found,
        {{ regexp_nth_group('checked_text', kinds.phone.before ~ '(' ~ kinds.phone.pattern ~ ')' ~ kinds.phone.after, 1, 2) }} as phone_found,
        {{ cx_card_candidate_columns('checked_text') }}

    from texts

),

card_digits as (

    select
        *,
        {{ cx_card_digits_columns() }}

    from candidates

),

checked as (

    select
        *,
        {{ cx_card_check_columns() }}

    from card_digits

)

select *
from checked
where
    email_found is not null
    or iban_found is not null
    or phone_found is not null
    {%- for k in range(1, kinds.card.max_per_comment + 1) %}
    or is_card_{{ k }}
    or is_trimmed_card_{{ k }}
    {%- endfor %}

{% endtest %}
