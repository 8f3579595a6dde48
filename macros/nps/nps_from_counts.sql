{#- NPS = 100 * (promoters - detractors) / responses, rounded half away from zero to two
    decimals, as numeric(5, 2); null when there are no responses. -#}
{% macro nps_from_counts(promoters, detractors, responses) -%}
    {{ cx_rounded_ratio(
        '(cast(' ~ promoters ~ ' as bigint) - cast(' ~ detractors ~ ' as bigint))', responses, 100
    ) }}
{%- endmacro %}

{#- scale * numerator / denominator, rounded half away from zero to two decimals, as
    numeric(precision, 2) (default 5: up to 999.99); null when the denominator is 0.
    Percentages (scale 100) and means (scale 1) of the published marts all go through it.

    Computed in exact integer arithmetic (hundredths, rounded half away from zero), so the
    result is the same on every engine and never suffers from floating-point rounding:
    round_half_away(x / n) = sign(x) * floor((2 * |x| + n) / (2 * n)) with
    x = 100 * scale * numerator, both integers. -#}
{% macro cx_rounded_ratio(numerator, denominator, scale, precision=5) -%}
    {%- set x = '(' ~ (100 * scale) ~ ' * cast(' ~ numerator ~ ' as bigint))' -%}
    {%- set n = 'cast(' ~ denominator ~ ' as bigint)' -%}
    {#- The outer cast wraps the case: PostgreSQL drops a numeric's precision and scale through
        a case, which would change the column's type between runs. -#}
    cast(
        case
            when {{ n }} > 0 then
                cast(
                    (case when {{ x }} < 0 then -1 else 1 end)
                    * {{ integer_divide('2 * abs(' ~ x ~ ') + ' ~ n, '2 * ' ~ n) }}
                    as numeric({{ precision + 2 }}, 0)
                ) * 0.01
        end
        as numeric({{ precision }}, 2)
    )
{%- endmacro %}

{#- scale * (a / a_den - b / b_den), rounded half away from zero to two decimals, as
    numeric(precision, 2); null when a denominator is 0. Both ratios are shares: |a| <= a_den
    and |b| <= b_den (an NPS is one: promoters - detractors over responses).

    Exact, without the overflow of one fraction over a_den * b_den scaled to hundredths (that
    product passes the bigint range from about 20 million responses): each share is split, in
    hundredths, into its quotient and remainder (shifted by one whole share to keep the
    numerators non-negative, so truncating division is flooring division), and the remainders
    only meet in g = ra * b_den - rb * a_den, compared with d = a_den * b_den. The value in
    hundredths is v = q + g / d with |g| < d; it rounds to q + 1 when 2g >= d, q - 1 when
    2g < -d (half away from zero: ties go up when v >= 0, down when v < 0). -#}
{% macro cx_rounded_ratio_difference(a, a_den, b, b_den, scale, precision=5) -%}
    {%- set hundredths = 100 * scale -%}
    {%- set na = 'cast(' ~ a_den ~ ' as bigint)' -%}
    {%- set nb = 'cast(' ~ b_den ~ ' as bigint)' -%}
    {%- set ya = '(' ~ hundredths ~ ' * (cast(' ~ a ~ ' as bigint) + ' ~ na ~ '))' -%}
    {%- set yb = '(' ~ hundredths ~ ' * (cast(' ~ b ~ ' as bigint) + ' ~ nb ~ '))' -%}
    {%- set qa = integer_divide(ya, na) -%}
    {%- set qb = integer_divide(yb, nb) -%}
    {%- set q = '(' ~ qa ~ ' - ' ~ qb ~ ')' -%}
    {%- set g = '((' ~ ya ~ ' - ' ~ qa ~ ' * ' ~ na ~ ') * ' ~ nb
        ~ ' - (' ~ yb ~ ' - ' ~ qb ~ ' * ' ~ nb ~ ') * ' ~ na ~ ')' -%}
    {%- set d = '(' ~ na ~ ' * ' ~ nb ~ ')' -%}
    cast(
        case
            when {{ na }} > 0 and {{ nb }} > 0 then
                cast(
                    case
                        when {{ q }} > 0 or ({{ q }} = 0 and {{ g }} >= 0) then
                            {{ q }} + case when 2 * {{ g }} >= {{ d }} then 1 when 2 * {{ g }} < -{{ d }} then -1 else 0 end
                        else
                            {{ q }} + case when 2 * {{ g }} > {{ d }} then 1 when 2 * {{ g }} <= -{{ d }} then -1 else 0 end
                    end
                    as numeric({{ precision + 2 }}, 0)
                ) * 0.01
        end
        as numeric({{ precision }}, 2)
    )
{%- endmacro %}
