{#- NPS = 100 * (promoters - detractors) / responses, rounded half away from zero to two
    decimals, as numeric(5, 2); null when there are no responses.

    Computed in exact integer arithmetic (hundredths of a point, rounded half away from zero),
    so the result is the same on every engine and never suffers from floating-point rounding:
    round_half_away(x / n) = sign(x) * floor((2 * |x| + n) / (2 * n)) with x = 10000 * (p - d). -#}
{% macro nps_from_counts(promoters, detractors, responses) -%}
    {%- set net = '(cast(' ~ promoters ~ ' as bigint) - cast(' ~ detractors ~ ' as bigint))' -%}
    {%- set n = 'cast(' ~ responses ~ ' as bigint)' -%}
    {#- The outer cast wraps the case: PostgreSQL drops a numeric's precision and scale through
        a case, which would change the column's type between runs. -#}
    cast(
        case
            when {{ n }} > 0 then
                cast(
                    (case when {{ net }} < 0 then -1 else 1 end)
                    * {{ integer_divide('20000 * abs(' ~ net ~ ') + ' ~ n, '2 * ' ~ n) }}
                    as numeric(7, 0)
                ) * 0.01
        end
        as numeric(5, 2)
    )
{%- endmacro %}
