{#- The settings of the comment reports, from vars, checked once. -#}

{#- rpt_comment_keywords keeps, per month, category, language and term type, the
    var cx_keyword_top_n (default 30) terms that set the category apart most, among those
    seen at least var cx_keyword_min_count (default 3) times. -#}
{% macro cx_keyword_settings() -%}
    {{ return({
        'top_n': cx_number_var('cx_keyword_top_n', 30, 1, 10000, integer=true),
        'min_count': cx_number_var('cx_keyword_min_count', 3, 1, 1000000, integer=true),
    }) }}
{%- endmacro %}

{#- The operational factors of rpt_cx_drivers: columns of fct_cx_responses whose every known
    value is a driver (the value `unknown` is none). -#}
{% macro cx_driver_settings() -%}
    {{ return({
        'factors': ['wait_time_band', 'transfers_band', 'first_contact_resolution', 'channel', 'touchpoint'],
    }) }}
{%- endmacro %}

{#- A double rounded half away from zero to `scale` decimals, as numeric(precision, scale);
    null stays null. The digits are computed as an integer first, so every engine stores the
    same value. -#}
{% macro cx_round_double_to(expr, scale, precision=12) -%}
    cast(
        cast(
            (case when {{ expr }} < 0 then -1 else 1 end) * floor(abs({{ expr }}) * {{ 10 ** scale }} + 0.5)
            as numeric({{ precision + 2 }}, 0)
        ) * 0.{{ '0' * (scale - 1) }}1
        as numeric({{ precision }}, {{ scale }})
    )
{%- endmacro %}

{#- The values of rpt_cx_drivers.driver_group: `theme`, then the factors. -#}
{% macro cx_driver_groups() -%}
    {{ return(['theme'] + cx_driver_settings()['factors']) }}
{%- endmacro %}

{#- The `when` branches of a case on a factor's name giving the factor's value (columns of
    `prefix`, as text). -#}
{% macro cx_factor_cases(factors, prefix) -%}
    {%- for factor in factors %} when '{{ factor }}' then {{ cast_to_text(prefix ~ factor) }}{% endfor -%}
{%- endmacro %}

{#- The driver_group and driver of a row of a grouping by cx_factor_grouping_sets: the factor
    grouped (null for the month alone) and its value, as text. -#}
{% macro cx_factor_group_and_value(factors) -%}
    case
        {%- for factor in factors %}
        when grouping({{ factor }}) = 0 then {{ cast_to_text("'" ~ factor ~ "'") }}
        {%- endfor %}
    end as driver_group,
    case
        {%- for factor in factors %}
        when grouping({{ factor }}) = 0 then {{ cast_to_text(factor) }}
        {%- endfor %}
    end as driver
{%- endmacro %}

{#- The grouping sets of a month's counts in one scan: the month alone, then the month with each
    factor. -#}
{% macro cx_factor_grouping_sets(factors) -%}
    grouping sets (
        (month_start_date),
        {%- for factor in factors %}
        (month_start_date, {{ factor }}){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}
