{#- Pearson's correlation of two published scores across groups (rpt_team_engagement: the eNPS
    and the customer NPS of the teams of a quarter) and its Fisher-z interval. The scores enter
    as integers (hundredths of a point), so the sums are exact and the coefficient is one IEEE
    division of exact integers on every engine; only the interval's logarithm and exponential
    are the engines' own, and its bounds are rounded to four decimals. Arguments are SQL
    expressions (columns, preferably: each is read several times). -#}

{#- Pearson's r from the count n and the sums of x, y, x y, x^2 and y^2 (bigints):
    (n sxy - sx sy) / sqrt((n sxx - sx^2) (n syy - sy^2)), the two variances converted to
    doubles and multiplied, clamped to [-1, 1]; null under three groups or when either score
    does not vary. A double. -#}
{% macro cx_pearson_r(n, sx, sy, sxy, sxx, syy) -%}
    {%- set covariance = '(' ~ n ~ ' * ' ~ sxy ~ ' - ' ~ sx ~ ' * ' ~ sy ~ ')' -%}
    {%- set variance_x = '(' ~ n ~ ' * ' ~ sxx ~ ' - ' ~ sx ~ ' * ' ~ sx ~ ')' -%}
    {%- set variance_y = '(' ~ n ~ ' * ' ~ syy ~ ' - ' ~ sy ~ ' * ' ~ sy ~ ')' -%}
    case
        when {{ n }} >= 3 and {{ variance_x }} > 0 and {{ variance_y }} > 0 then
            greatest({{ cast_to_double('-1') }}, least({{ cast_to_double('1') }},
                {{ cast_to_double(covariance) }}
                / sqrt({{ cast_to_double(variance_x) }} * {{ cast_to_double(variance_y) }})
            ))
    end
{%- endmacro %}

{#- One bound of the Fisher-z interval of a correlation `r` (a double) over `n` groups at the
    confidence level: tanh(atanh(r) + sign z / sqrt(n - 3)), written with ln and exp (every
    engine has them): atanh(r) = ln((1 + r) / (1 - r)) / 2, tanh(w) = (exp(2w) - 1) / (exp(2w) + 1).
    `sign` is -1 (lower) or 1 (upper). Null under four groups, and when |r| = 1 (the interval
    degenerates). A double. -#}
{% macro cx_fisher_bound(r, n, sign) -%}
    {%- set w -%}
        (ln((1 + {{ r }}) / (1 - {{ r }})) / 2 + {{ sign }} * {{ cx_z() }} / sqrt({{ cast_to_double(n ~ ' - 3') }}))
    {%- endset -%}
    case
        when {{ n }} >= 4 and abs({{ r }}) < 1 then
            (exp(2 * {{ w }}) - 1) / (exp(2 * {{ w }}) + 1)
    end
{%- endmacro %}
