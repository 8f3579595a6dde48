{#- How sure a published score is: standard errors and intervals, computed in doubles from the
    additive counts (README, "How sure a number is"). The formulas are written once here; the
    oracle writes the same ones in Python. Arguments are SQL expressions of bigint counts and
    sums (columns, preferably: each is read several times). -#}

{#- A double rounded half away from zero to two decimals, as numeric(precision, 2); null stays
    null. The digits are computed as an integer first, so every engine stores the same value. -#}
{% macro cx_round_double(expr, precision=5) -%}
    cast(
        cast(
            (case when {{ expr }} < 0 then -1 else 1 end) * floor(abs({{ expr }}) * 100 + 0.5)
            as numeric({{ precision + 2 }}, 0)
        ) * 0.01
        as numeric({{ precision }}, 2)
    )
{%- endmacro %}

{#- The variance of the NPS on the proportion scale, V = (pp + pd) - (pp - pd)^2, from the
    promoter and detractor shares (never below 0). -#}
{% macro cx_nps_variance(promoter_share, detractor_share) -%}
    greatest(
        ({{ promoter_share }} + {{ detractor_share }})
        - ({{ promoter_share }} - {{ detractor_share }}) * ({{ promoter_share }} - {{ detractor_share }}),
        {{ cast_to_double('0') }}
    )
{%- endmacro %}

{#- The adjusted-Wald counts of an NPS sample (0.75 detractor, 1.5 passive and 0.75 promoter
    added, so n + 3): {'n', 'promoter_share', 'detractor_share', 'nps', 'variance',
    'standard_error'} as SQL expressions (doubles; NPS and standard error in points). -#}
{% macro cx_nps_adjusted(promoters, passives, detractors) -%}
    {%- set n = '(' ~ cast_to_double('(' ~ promoters ~ ' + ' ~ passives ~ ' + ' ~ detractors ~ ')') ~ ' + 3)' -%}
    {%- set promoter_share = '((' ~ cast_to_double(promoters) ~ ' + 0.75) / ' ~ n ~ ')' -%}
    {%- set detractor_share = '((' ~ cast_to_double(detractors) ~ ' + 0.75) / ' ~ n ~ ')' -%}
    {%- set variance = cx_nps_variance(promoter_share, detractor_share) -%}
    {{ return({
        'n': n,
        'promoter_share': promoter_share,
        'detractor_share': detractor_share,
        'nps': '(100 * (' ~ promoter_share ~ ' - ' ~ detractor_share ~ '))',
        'variance': variance,
        'standard_error': '(100 * sqrt(' ~ variance ~ ' / ' ~ n ~ '))',
    }) }}
{%- endmacro %}

{#- The uncertainty of an NPS from its counts: nps_standard_error (100 sqrt(V / n)),
    nps_ci_lower and nps_ci_upper (adjusted Wald at the confidence level, clamped to
    [-100, 100]), all null without responses; is_below_min_responses (n < `min_responses`, by
    default cx_min_responses). -#}
{% macro cx_nps_uncertainty(promoters, passives, detractors, min_responses=none) -%}
    {%- set n = '(' ~ promoters ~ ' + ' ~ passives ~ ' + ' ~ detractors ~ ')' -%}
    {%- set promoter_share = '(' ~ cast_to_double(promoters) ~ ' / ' ~ cast_to_double(n) ~ ')' -%}
    {%- set detractor_share = '(' ~ cast_to_double(detractors) ~ ' / ' ~ cast_to_double(n) ~ ')' -%}
    {%- set variance = cx_nps_variance(promoter_share, detractor_share) -%}
    {%- set adjusted = cx_nps_adjusted(promoters, passives, detractors) -%}
    {%- set half_width = cx_z() ~ ' * ' ~ adjusted.standard_error -%}
    {#- Each value is null without responses; the case sits inside the rounding, whose cast
        keeps the column numeric(5, 2) (PostgreSQL drops a numeric's scale through a case). -#}
    {%- set when_any = 'case when ' ~ n ~ ' > 0 then ' -%}
    {%- set standard_error = '100 * sqrt(' ~ variance ~ ' / ' ~ cast_to_double(n) ~ ')' -%}
    {%- set lower = 'greatest(' ~ cast_to_double('-100') ~ ', ' ~ adjusted.nps ~ ' - ' ~ half_width ~ ')' -%}
    {%- set upper = 'least(' ~ cast_to_double('100') ~ ', ' ~ adjusted.nps ~ ' + ' ~ half_width ~ ')' %}
    {{ cx_round_double(when_any ~ standard_error ~ ' end') }} as nps_standard_error,
    {{ cx_round_double(when_any ~ lower ~ ' end') }} as nps_ci_lower,
    {{ cx_round_double(when_any ~ upper ~ ' end') }} as nps_ci_upper,
    {{ n }} < {{ cx_min_responses() if min_responses is none else min_responses }} as is_below_min_responses
{%- endmacro %}

{#- The Wilson interval of a share, in percent: <prefix>_ci_lower and <prefix>_ci_upper, null
    without trials. -#}
{% macro cx_share_interval(successes, trials, prefix) -%}
    {%- set n = cast_to_double(trials) -%}
    {%- set share = '(' ~ cast_to_double(successes) ~ ' / ' ~ n ~ ')' -%}
    {%- set zz = '(' ~ cx_z() ~ ' * ' ~ cx_z() ~ ')' -%}
    {%- set denominator = '(1 + ' ~ zz ~ ' / ' ~ n ~ ')' -%}
    {%- set center = '((' ~ share ~ ' + ' ~ zz ~ ' / (2 * ' ~ n ~ ')) / ' ~ denominator ~ ')' -%}
    {%- set half_width -%}
        ({{ cx_z() }} * sqrt({{ share }} * (1 - {{ share }}) / {{ n }}
            + {{ zz }} / {{ cast_to_double('4 * ' ~ trials ~ ' * ' ~ trials) }}) / {{ denominator }})
    {%- endset -%}
    {%- set when_any = 'case when ' ~ trials ~ ' > 0 then ' -%}
    {%- set lower = 'greatest(' ~ cast_to_double('0') ~ ', 100 * (' ~ center ~ ' - ' ~ half_width ~ '))' -%}
    {%- set upper = 'least(' ~ cast_to_double('100') ~ ', 100 * (' ~ center ~ ' + ' ~ half_width ~ '))' %}
    {{ cx_round_double(when_any ~ lower ~ ' end') }} as {{ prefix }}_ci_lower,
    {{ cx_round_double(when_any ~ upper ~ ' end') }} as {{ prefix }}_ci_upper
{%- endmacro %}

{#- The sample variance (n - 1) of scores from their count, sum and sum of squares, as a
    double, computed exactly in integers first; null under two scores. -#}
{% macro cx_sample_variance(total, squares, n) -%}
    case when {{ n }} > 1 then
        greatest(
            {{ cast_to_double(n ~ ' * ' ~ squares ~ ' - ' ~ total ~ ' * ' ~ total) }}
            / {{ cast_to_double(n ~ ' * (' ~ n ~ ' - 1)') }},
            {{ cast_to_double('0') }}
        )
    end
{%- endmacro %}

{#- The interval of a mean score, mean -/+ z s / sqrt(n) clamped to the scale of `metric` (a key
    of cx_metric_bounds): <prefix>_ci_lower and <prefix>_ci_upper, null under two scores. -#}
{% macro cx_mean_interval(total, squares, n, metric, prefix) -%}
    {%- set bounds = cx_metric_bounds()[metric] -%}
    {%- set mean = '(' ~ cast_to_double(total) ~ ' / ' ~ cast_to_double(n) ~ ')' -%}
    {%- set half_width = '(' ~ cx_z() ~ ' * sqrt(' ~ cx_sample_variance(total, squares, n) ~ ') / sqrt(' ~ cast_to_double(n) ~ '))' -%}
    {%- set when_two = 'case when ' ~ n ~ ' > 1 then ' -%}
    {%- set lower = 'greatest(' ~ cast_to_double(bounds.min_score) ~ ', ' ~ mean ~ ' - ' ~ half_width ~ ')' -%}
    {%- set upper = 'least(' ~ cast_to_double(bounds.max_score) ~ ', ' ~ mean ~ ' + ' ~ half_width ~ ')' %}
    {{ cx_round_double(when_two ~ lower ~ ' end') }} as {{ prefix }}_ci_lower,
    {{ cx_round_double(when_two ~ upper ~ ' end') }} as {{ prefix }}_ci_upper
{%- endmacro %}
