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
