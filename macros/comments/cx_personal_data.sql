{#- Personal data in comments (README, "What customers say"): what is masked, and how. A
    comment is published only masked: e-mail addresses, IBANs, payment-card numbers (Luhn
    checked) and phone numbers become [email], [iban], [card] and [phone], in that order (an
    IBAN holds digit runs a card or phone pattern would take; a card is longer than any phone
    number). Dates, amounts, order numbers and scores are left alone: every pattern needs the
    separators or the length of its kind, with no digit on either side. Patterns avoid
    backslashes, so that they mean the same in every engine's string literals. -#}

{#- The masks and the patterns they replace. Phone numbers: international with "+" or "00"
    (with or without a "(0)" after the country code), French national numbers in pairs with
    one separator throughout (so "03.12.2025 14" is a date and a time, not a number),
    British-style national numbers in groups ("020 7946 0958", "07700 900123"), North-American
    ones. `cards` lists candidates only: a run of 13 to 19 digits (spaces or hyphens between
    them), not after a digit or a "+" (an international phone number), masked only when it
    passes the Luhn check; when it fails, the run without its last group (`last_group`: digits
    after a space or hyphen, such as an expiry date's month after the number) is masked if it
    holds 13 digits or more and passes. -#}
{% macro cx_personal_data_patterns() -%}
    {%- set digit_boundary_before = '(^|[^0-9])' -%}
    {%- set digit_boundary_after = '([^0-9]|$)' -%}
    {{ return({
        'email': {
            'mask': '[email]',
            'pattern': '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:[.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}',
        },
        'iban': {
            'mask': '[iban]',
            'pattern': '[A-Z]{2}[0-9]{2}(?: ?[A-Za-z0-9]{4}){3,7}(?: ?[A-Za-z0-9]{1,3})?',
        },
        'card': {
            'mask': '[card]',
            'before': '(^|[^0-9+])',
            'pattern': '[0-9](?:[ -]?[0-9]){12,18}',
            'after': digit_boundary_after,
            'last_group': '[ -]([0-9]+)$',
            'min_digits': 13,
            'max_per_comment': 4,
        },
        'phone': {
            'mask': '[phone]',
            'before': digit_boundary_before,
            'pattern': '(?:[+]|00 ?)[1-9][0-9]{0,2} ?[(]0[)] ?[0-9](?:[ .-]?[0-9]){5,12}'
                ~ '|(?:[+]|00 ?)[1-9](?:[ .-]?[0-9]){6,14}'
                ~ '|0[1-9](?: [0-9]{2}){4}|0[1-9](?:[.][0-9]{2}){4}|0[1-9](?:-[0-9]{2}){4}|0[1-9][0-9]{8}'
                ~ '|0[1-9][0-9]{1,3} [0-9]{3,4} ?[0-9]{3,4}'
                ~ '|(?:[(][0-9]{3}[)] ?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}',
            'after': digit_boundary_after,
        },
    }) }}
{%- endmacro %}

{#- SQL condition: the text may hold personal data - it has a digit or an @, which every pattern
    of cx_personal_data_patterns needs (an address its @, an IBAN its check digits, a card or a
    phone number its digits). Masking any other text changes nothing, so most comments skip
    the masking's regular expressions. -#}
{% macro cx_may_hold_personal_data(expr) -%}
    {{ regexp_contains(expr, '[0-9@]') }}
{%- endmacro %}

{#- `expr` with every e-mail address and IBAN masked. -#}
{% macro cx_mask_emails_and_ibans(expr) -%}
    {%- set kinds = cx_personal_data_patterns() -%}
    {{ regexp_replace_all(
        regexp_replace_all(expr, kinds.email.pattern, kinds.email.mask),
        kinds.iban.pattern, kinds.iban.mask
    ) }}
{%- endmacro %}

{#- The `k`-th card candidate of `expr` (1-based), or null. -#}
{% macro cx_card_candidate(expr, k) -%}
    {%- set card = cx_personal_data_patterns().card -%}
    {{ regexp_nth_group(expr, card.before ~ '(' ~ card.pattern ~ ')' ~ card.after, k, 2) }}
{%- endmacro %}

{#- True when `reversed_digits` (a column: a card candidate's digits, last first) passes the
    Luhn check: every second digit from the right doubled (less 9 above 9), the sum a multiple
    of 10; false for null. -#}
{% macro cx_passes_luhn(reversed_digits) -%}
    {%- set terms = [] -%}
    {%- for i in range(1, 20) -%}
        {%- set digit = 'coalesce(cast(nullif(substr(' ~ reversed_digits ~ ', ' ~ i ~ ', 1), \'\') as integer), 0)' -%}
        {%- if i % 2 == 1 -%}
            {%- do terms.append(digit) -%}
        {%- else -%}
            {%- do terms.append('(' ~ digit ~ ' * 2 - case when ' ~ digit ~ ' > 4 then 9 else 0 end)') -%}
        {%- endif -%}
    {%- endfor -%}
    {#- a case, not coalesce(... and ...): the nineteen digit terms are computed only for the rare
        rows with a candidate (an engine evaluates a case's branch for the rows it selects) -#}
    (case
        when {{ reversed_digits }} is null or {{ reversed_digits }} = '' then false
        else ({{ terms | join('\n        + ') }}) % 10 = 0
    end)
{%- endmacro %}

{#- `expr` with `found` (the card number found, or null) masked: without one, the mask itself is
    replaced by the mask, which changes nothing (and keeps the expression linear when masks are
    chained). -#}
{% macro cx_mask_card(expr, found) -%}
    {%- set mask = "'" ~ cx_personal_data_patterns().card.mask ~ "'" -%}
    replace({{ expr }}, coalesce({{ found }}, {{ mask }}), {{ mask }})
{%- endmacro %}

{#- `expr` with every phone number masked (French, international E.164, North-American). The
    replacement runs twice: a match takes the character after it, so of two numbers one
    character apart the first pass masks only the first. -#}
{% macro cx_mask_phones(expr) -%}
    {%- set phone = cx_personal_data_patterns().phone -%}
    {%- set pattern = phone.before ~ '(' ~ phone.pattern ~ ')' ~ phone.after -%}
    {%- set replacement = regexp_group_reference(1) ~ phone.mask ~ regexp_group_reference(3) -%}
    {{ regexp_replace_all(regexp_replace_all(expr, pattern, replacement), pattern, replacement) }}
{%- endmacro %}

{#- The select columns card_candidate_1 .. card_candidate_<max_per_comment> of `expr`. -#}
{% macro cx_card_candidate_columns(expr) -%}
    {%- set columns = [] -%}
    {%- for k in range(1, cx_personal_data_patterns().card.max_per_comment + 1) -%}
        {%- do columns.append(cx_card_candidate(expr, k) ~ ' as card_candidate_' ~ k) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- The select columns card_digits_reversed_1 .. _<max_per_comment>: each candidate's digits,
    last first (for cx_passes_luhn); and card_last_group_1 .. : the digits of its last group
    after a space or hyphen (null when it has a single group). -#}
{% macro cx_card_digits_columns() -%}
    {%- set card = cx_personal_data_patterns().card -%}
    {%- set columns = [] -%}
    {%- for k in range(1, card.max_per_comment + 1) -%}
        {%- do columns.append('reverse(' ~ regexp_replace_all('card_candidate_' ~ k, '[^0-9]', '')
            ~ ') as card_digits_reversed_' ~ k) -%}
        {%- do columns.append(regexp_nth_group('card_candidate_' ~ k, card.last_group, 1, 1)
            ~ ' as card_last_group_' ~ k) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- The select columns is_card_1 .. is_card_<max_per_comment>: each candidate passes the Luhn
    check (false without a candidate); and is_trimmed_card_1 .. : the candidate without its last
    group holds 13 digits or more and passes (the digits of a number followed by others, "4012
    8888 8888 1881 12/27"). -#}
{% macro cx_card_check_columns() -%}
    {%- set card = cx_personal_data_patterns().card -%}
    {%- set columns = [] -%}
    {%- for k in range(1, card.max_per_comment + 1) -%}
        {%- set digits = 'card_digits_reversed_' ~ k -%}
        {%- set last_group = 'card_last_group_' ~ k -%}
        {%- do columns.append(cx_passes_luhn(digits) ~ ' as is_card_' ~ k) -%}
        {%- do columns.append(
            '(case when coalesce(length(' ~ digits ~ ') - length(' ~ last_group ~ ') >= ' ~ card.min_digits
            ~ ', false) then ' ~ cx_passes_luhn('substr(' ~ digits ~ ', length(' ~ last_group ~ ') + 1)')
            ~ ' else false end) as is_trimmed_card_' ~ k
        ) -%}
    {%- endfor -%}
    {{ columns | join(',\n        ') }}
{%- endmacro %}

{#- `expr` with every card candidate that passes the Luhn check masked, or else its part
    before its last group when that passes (the columns of cx_card_candidate_columns,
    cx_card_digits_columns and cx_card_check_columns). -#}
{% macro cx_mask_cards(expr) -%}
    {%- set ns = namespace(text=expr) -%}
    {%- for k in range(1, cx_personal_data_patterns().card.max_per_comment + 1) -%}
        {%- set candidate = 'card_candidate_' ~ k -%}
        {%- set found = 'case when is_card_' ~ k ~ ' then ' ~ candidate
            ~ ' when is_trimmed_card_' ~ k ~ ' then substr(' ~ candidate ~ ', 1, length(' ~ candidate
            ~ ') - length(card_last_group_' ~ k ~ ') - 1) end' -%}
        {%- set ns.text = cx_mask_card(ns.text, found) -%}
    {%- endfor -%}
    {{ ns.text }}
{%- endmacro %}
