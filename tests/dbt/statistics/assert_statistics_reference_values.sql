{#- The statistics macros at the published reference values (README, "How sure a number is"),
    on every engine: the normal CDF against tabulated values (to 1e-12), the two-sample NPS test
    of (20, 30, 50) against (30, 30, 40) detractors, passives, promoters: adjusted difference
    19.42, standard error 11.21, p = 0.0832 - the Wilson interval of 8 successes in 10 (49.02 % to
    94.33 %), the mean interval of ten CSAT scores summing to 40 (squares 170: 3.35 to 4.65),
    and the edges: no response gives null, a standard error of 0 gives z 0 or +/-1000. Runs
    only at the default confidence level 0.95, the one the values are for. Returns the checks
    that fail. -#}
{{ config(enabled=var('cx_confidence_level', 0.95) | float == 0.95) }}

with

points as (

    {% for x, expected in [
        ('-40', '0'), ('-8', '6.22096057427178e-16'), ('-3', '0.0013498980316300946'),
        ('-1.959963984540054', '0.025'), ('-0.5', '0.3085375387259869'), ('0', '0.5'),
        ('0.5', '0.6914624612740131'), ('1.959963984540054', '0.975'),
        ('3', '0.9986501019683699'), ('8', '0.9999999999999993'), ('40', '1'),
    ] -%}
        select
            'normal_cdf({{ x }})' as check_name,
            {{ cast_to_double(x) }} as x,
            {{ cast_to_double(expected) }} as expected
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}

),

cdf_checks as (

    select
        check_name,
        {{ cx_normal_cdf('x') }} as actual,
        expected,
        {{ cast_to_double('1e-12') }} as tolerance

    from points

),

samples as (

    select
        50 as promoters_1,
        30 as passives_1,
        20 as detractors_1,
        40 as promoters_2,
        30 as passives_2,
        30 as detractors_2,
        8 as satisfied,
        10 as trials,
        40 as score_sum,
        170 as score_squares,
        10 as scores,
        0 as none_promoters,
        0 as none_passives,
        0 as none_detractors

),

{%- set first = ['promoters_1', 'passives_1', 'detractors_1'] %}
{%- set second = ['promoters_2', 'passives_2', 'detractors_2'] %}
{%- set one = cx_nps_adjusted(*first) %}
{%- set two = cx_nps_adjusted(*second) %}

computed as (

    select
        {{ one.nps }} - {{ two.nps }} as adjusted_difference,
        100 * sqrt({{ one.variance }} / {{ one.n }} + {{ two.variance }} / {{ two.n }}) as difference_standard_error,
        {{ cx_nps_difference_z(first, second) }} as nps_z,
        {{ cx_share_interval('satisfied', 'trials', 'share') }},
        {{ cx_mean_interval('score_sum', 'score_squares', 'scores', 'csat_score', 'mean') }},
        {{ cx_nps_uncertainty('none_promoters', 'none_passives', 'none_detractors') }},
        {{ cx_nps_difference_z(first, ['none_promoters', 'none_passives', 'none_detractors']) }} as none_z,
        {{ cx_share_difference_z(['trials', 'trials'], ['satisfied', 'satisfied']) }} as equal_shares_z,
        {{ cx_mean_difference_z(['score_sum', 'score_squares', 'scores'], ['score_sum', 'score_squares', 'scores']) }}
            as equal_means_z

    from samples

),

tested as (

    select
        computed.*,
        {{ cx_two_sided_p('nps_z') }} as nps_p_value

    from computed

),

sample_checks as (

    {% for name, actual, expected, tolerance in [
        ('adjusted difference 19.42', 'adjusted_difference', '19.42', '0.005'),
        ('difference standard error 11.21', 'difference_standard_error', '11.21', '0.005'),
        ('two-sided p 0.0832', 'nps_p_value', '0.0832', '0.00005'),
        ('wilson lower 49.02', 'share_ci_lower', '49.02', '0'),
        ('wilson upper 94.33', 'share_ci_upper', '94.33', '0'),
        ('mean lower 3.35', 'mean_ci_lower', '3.35', '0'),
        ('mean upper 4.65', 'mean_ci_upper', '4.65', '0'),
        ('equal shares z 0', 'equal_shares_z', '0', '0'),
        ('equal means z 0', 'equal_means_z', '0', '0'),
    ] -%}
        select
            '{{ name }}' as check_name,
            {{ cast_to_double(actual) }} as actual,
            {{ cast_to_double(expected) }} as expected,
            {{ cast_to_double(tolerance) }} as tolerance

        from tested

        union all

    {% endfor -%}
    -- without responses, no standard error, no interval, no test
    select
        'no response gives nulls' as check_name,
        case
            when nps_standard_error is null and nps_ci_lower is null and nps_ci_upper is null
                and none_z is null and is_below_min_responses
                then {{ cast_to_double('0') }}
            else {{ cast_to_double('1') }}
        end as actual,
        {{ cast_to_double('0') }} as expected,
        {{ cast_to_double('0') }} as tolerance

    from tested

),

checks as (

    select * from cdf_checks
    union all
    select * from sample_checks

),

failures as (

    select * from checks
    where actual is null or abs(actual - expected) > tolerance

)

select * from failures
