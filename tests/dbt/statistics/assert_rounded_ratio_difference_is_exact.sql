{#- cx_rounded_ratio_difference (the drivers' nps_impact) against values computed with exact
    fractions: ties half a hundredth either side of zero, values a hair off a tie, whole
    shares of opposite signs, counts past the range where one fraction over the product of the
    denominators would overflow bigint once scaled, and an empty side (null). Returns the cases
    that differ. -#}

with

cases as (

    {% for a, a_den, b, b_den, expected in [
        (1, 4, 2, 3, '-41.67'),
        (1, 20000, 0, 1, '0.01'),
        (0, 1, 1, 20000, '-0.01'),
        (1, 20001, 0, 1, '0.00'),
        (1, 19999, 0, 1, '0.01'),
        (-5, 5, 5, 5, '-200.00'),
        (3, 7, 3, 7, '0.00'),
        (1, 3, 1, 6, '16.67'),
        (12345679, 30000000, -7, 29999999, '41.15'),
        (-29999999, 30000000, 29999998, 29999999, '-200.00'),
        (1, 0, 1, 2, 'null'),
        (1, 2, 0, 0, 'null'),
    ] -%}
        select
            {{ loop.index }} as case_number,
            cast({{ a }} as bigint) as a,
            cast({{ a_den }} as bigint) as a_den,
            cast({{ b }} as bigint) as b,
            cast({{ b_den }} as bigint) as b_den,
            cast({{ expected }} as numeric(5, 2)) as expected
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}

),

computed as (

    select
        case_number,
        expected,
        {{ cx_rounded_ratio_difference('a', 'a_den', 'b', 'b_den', 100) }} as actual

    from cases

)

select * from computed
where
    (actual is null and expected is not null)
    or (actual is not null and expected is null)
    or actual <> expected
