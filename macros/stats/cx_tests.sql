{#- Tests of a difference, as z statistics (SQL expressions of doubles): the p-values follow
    from them through cx_two_sided_p or cx_normal_cdf, in a later CTE (the CDF reads its
    argument many times). Each statistic is null when a side has no observation; "first" minus
    "second", so a positive z means the first is higher. A difference with a standard error of
    0 has z 0 when there is none, and +/-1000 (a p-value of exactly 0) when there is one. -#}

{#- z of two NPS samples: the difference of their adjusted NPS over sqrt(V1/n1 + V2/n2) on the
    adjusted counts. Each argument is a list [promoters, passives, detractors]. -#}
{% macro cx_nps_difference_z(first, second) -%}
    {%- set one = cx_nps_adjusted(*first) -%}
    {%- set two = cx_nps_adjusted(*second) -%}
    case when ({{ first | join(' + ') }}) > 0 and ({{ second | join(' + ') }}) > 0 then
        ({{ one.nps }} - {{ two.nps }})
        / (100 * sqrt({{ one.variance }} / {{ one.n }} + {{ two.variance }} / {{ two.n }}))
    end
{%- endmacro %}

{#- z of two shares (pooled two-proportion test). Each argument is [successes, trials]. -#}
{% macro cx_share_difference_z(first, second) -%}
    {%- set difference = '(' ~ cast_to_double(first[0]) ~ ' / ' ~ cast_to_double(first[1]) ~ ' - '
        ~ cast_to_double(second[0]) ~ ' / ' ~ cast_to_double(second[1]) ~ ')' -%}
    {%- set pooled = '(' ~ cast_to_double(first[0] ~ ' + ' ~ second[0]) ~ ' / '
        ~ cast_to_double(first[1] ~ ' + ' ~ second[1]) ~ ')' -%}
    {%- set variance = '(' ~ pooled ~ ' * (1 - ' ~ pooled ~ ') * (1 / ' ~ cast_to_double(first[1])
        ~ ' + 1 / ' ~ cast_to_double(second[1]) ~ '))' -%}
    case
        when {{ first[1] }} = 0 or {{ second[1] }} = 0 then null
        when {{ variance }} > 0 then {{ difference }} / sqrt({{ variance }})
        else {{ cast_to_double('0') }}
    end
{%- endmacro %}

{#- z of two means (of scores, each side's sample variance). Each argument is [sum, sum of
    squares, count]; null when a side has fewer than two scores. -#}
{% macro cx_mean_difference_z(first, second) -%}
    {%- set variance = '(' ~ cx_sample_variance(*first) ~ ' / ' ~ cast_to_double(first[2]) ~ ' + '
        ~ cx_sample_variance(*second) ~ ' / ' ~ cast_to_double(second[2]) ~ ')' -%}
    {%- set difference = '(' ~ cast_to_double(first[0]) ~ ' / ' ~ cast_to_double(first[2]) ~ ' - '
        ~ cast_to_double(second[0]) ~ ' / ' ~ cast_to_double(second[2]) ~ ')' -%}
    case
        when {{ first[2] }} < 2 or {{ second[2] }} < 2 then null
        when {{ variance }} > 0 then {{ difference }} / sqrt({{ variance }})
        when {{ first[0] }} * {{ second[2] }} = {{ second[0] }} * {{ first[2] }} then {{ cast_to_double('0') }}
        when {{ difference }} > 0 then {{ cast_to_double('1000') }}
        else {{ cast_to_double('-1000') }}
    end
{%- endmacro %}

{#- z of an NPS against a target (points): (adjusted NPS - target) / adjusted standard error;
    its lower tail is the one-sided p-value that the true NPS is below the target. -#}
{% macro cx_nps_target_z(counts, target) -%}
    {%- set adjusted = cx_nps_adjusted(*counts) -%}
    case when ({{ counts | join(' + ') }}) > 0 then
        ({{ adjusted.nps }} - {{ cast_to_double(target) }}) / {{ adjusted.standard_error }}
    end
{%- endmacro %}

{#- z of a share (percent) against a target percentage (score test, standard error at the
    target); null unless the target lies strictly between 0 and 100. -#}
{% macro cx_share_target_z(successes, trials, target) -%}
    {%- set expected = '(' ~ cast_to_double(target) ~ ' / 100)' -%}
    case when {{ trials }} > 0 and {{ target }} > 0 and {{ target }} < 100 then
        ({{ cast_to_double(successes) }} / {{ cast_to_double(trials) }} - {{ expected }})
        / sqrt({{ expected }} * (1 - {{ expected }}) / {{ cast_to_double(trials) }})
    end
{%- endmacro %}

{#- z of a mean score against a target mean; null under two scores. -#}
{% macro cx_mean_target_z(total, squares, n, target) -%}
    {%- set mean = '(' ~ cast_to_double(total) ~ ' / ' ~ cast_to_double(n) ~ ')' -%}
    {%- set deviation = 'sqrt(' ~ cx_sample_variance(total, squares, n) ~ ')' -%}
    case
        when {{ n }} < 2 then null
        when {{ deviation }} > 0 then ({{ mean }} - {{ cast_to_double(target) }}) / ({{ deviation }} / sqrt({{ cast_to_double(n) }}))
        when {{ mean }} < {{ cast_to_double(target) }} then {{ cast_to_double('-1000') }}
        else {{ cast_to_double('1000') }}
    end
{%- endmacro %}

{#- The direction of a tested difference: `insufficient` when a side is under the minimum
    (`enough` false), `up` (or above) / `down` (or below) when p < alpha, flat otherwise. -#}
{% macro cx_direction(p_value, difference, enough, up='up', down='down') -%}
    case
        when not ({{ enough }}) then {{ nps_literal('direction', 'insufficient_data') }}
        when {{ p_value }} < {{ cx_alpha() }} and {{ difference }} > 0 then {{ nps_literal('direction', up) }}
        when {{ p_value }} < {{ cx_alpha() }} and {{ difference }} < 0 then {{ nps_literal('direction', down) }}
        else {{ nps_literal('direction', 'flat') }}
    end
{%- endmacro %}

{#- The three z statistics of a score of fct_cx_by_period: <score>_change_z (against the
    previous period), <score>_vs_rest_z (against the rest of its dimension) and
    <score>_target_z (against <score>_target). `test` is nps, share or mean; `counts`,
    `previous` and `rest` are the matching lists of count columns. -#}
{% macro cx_score_tests(score, test, counts, previous, rest) -%}
    {%- set target = score ~ '_target' -%}
    {%- if test == 'nps' -%}
        {{ cx_nps_difference_z(counts, previous) }} as {{ score }}_change_z,
        {{ cx_nps_difference_z(counts, rest) }} as {{ score }}_vs_rest_z,
        {{ cx_nps_target_z(counts, target) }} as {{ score }}_target_z
    {%- elif test == 'share' -%}
        {{ cx_share_difference_z(counts, previous) }} as {{ score }}_change_z,
        {{ cx_share_difference_z(counts, rest) }} as {{ score }}_vs_rest_z,
        {{ cx_share_target_z(counts[0], counts[1], target) }} as {{ score }}_target_z
    {%- else -%}
        {{ cx_mean_difference_z(counts, previous) }} as {{ score }}_change_z,
        {{ cx_mean_difference_z(counts, rest) }} as {{ score }}_vs_rest_z,
        {{ cx_mean_target_z(counts[0], counts[1], counts[2], target) }} as {{ score }}_target_z
    {%- endif -%}
{%- endmacro %}
