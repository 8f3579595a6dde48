{#- The standard normal cumulative distribution function Phi(x), which no engine has built in.
    Hart's rational approximation (Hart et al. 1968, algorithm 5666, as published by West 2005,
    "Better approximations to cumulative normal functions"): absolute error below 1e-14 over
    the whole real line, so p-values are exact to far better than the 1e-7 they need. `x` is
    read several times: pass a column, not a long expression. -#}
{% macro cx_normal_cdf(x) -%}
    {{ return(adapter.dispatch('cx_normal_cdf', 'nps_warehouse')(x)) }}
{%- endmacro %}

{% macro default__cx_normal_cdf(x) -%}
    {%- set a = 'abs(' ~ cast_to_double(x) ~ ')' -%}
    {%- set numerator = [
        '3.52624965998911e-02', '0.700383064443688e0', '6.37396220353165e0', '33.912866078383e0',
        '112.079291497871e0', '221.213596169931e0', '220.206867912376e0'] -%}
    {%- set denominator = [
        '8.83883476483184e-02', '1.75566716318264e0', '16.064177579207e0', '86.7807322029461e0',
        '296.564248779674e0', '637.333633378831e0', '793.826512519948e0', '440.413735824752e0'] -%}
    {#- The lower tail Phi(-|x|), then reflected for x > 0. -#}
    {%- set tail -%}
        case
            when {{ a }} > 37 then {{ cast_to_double('0') }}
            when {{ a }} < 7.07106781186547e0 then
                exp(-{{ a }} * {{ a }} / 2) * {{ cx_horner(a, numerator) }} / {{ cx_horner(a, denominator) }}
            else
                exp(-{{ a }} * {{ a }} / 2)
                / ({{ a }} + 1 / ({{ a }} + 2 / ({{ a }} + 3 / ({{ a }} + 4 / ({{ a }} + 0.65e0)))))
                / 2.506628274631e0
        end
    {%- endset -%}
    case
        when {{ x }} is null then null
        when {{ x }} > 0 then 1 - ({{ tail }})
        else {{ tail }}
    end
{%- endmacro %}

{#- The polynomial of `coefficients` (highest degree first) at `x`, by Horner's rule. -#}
{% macro cx_horner(x, coefficients) -%}
    {%- set ns = namespace(sql=cast_to_double(coefficients[0])) -%}
    {%- for coefficient in coefficients[1:] -%}
        {%- set ns.sql = '(' ~ ns.sql ~ ' * ' ~ x ~ ' + ' ~ coefficient ~ ')' -%}
    {%- endfor -%}
    {{ ns.sql }}
{%- endmacro %}

{#- Two-sided p-value of a z statistic: 2 Phi(-|z|). -#}
{% macro cx_two_sided_p(z) -%}
    2 * ({{ cx_normal_cdf('-abs(' ~ z ~ ')') }})
{%- endmacro %}
