{#- The additive NPS counts of a group of responses, from their category column:
    responses, promoters, passives, detractors (bigint). -#}
{% macro nps_counts(category_column) -%}
    cast(count(*) as bigint) as responses,
    cast(sum(case when {{ category_column }} = {{ nps_literal('category', 'promoter') }} then 1 else 0 end) as bigint) as promoters,
    cast(sum(case when {{ category_column }} = {{ nps_literal('category', 'passive') }} then 1 else 0 end) as bigint) as passives,
    cast(sum(case when {{ category_column }} = {{ nps_literal('category', 'detractor') }} then 1 else 0 end) as bigint) as detractors
{%- endmacro %}

{#- A select rolling a relation of NPS counts up to `grain` (a list of its columns): the counts
    are summed and the NPS recomputed from them, never averaged. -#}
{% macro nps_roll_up(relation, grain) -%}
    select
        {% for column in grain -%}
        {{ column }},
        {% endfor -%}
        cast(sum(responses) as bigint) as responses,
        cast(sum(promoters) as bigint) as promoters,
        cast(sum(passives) as bigint) as passives,
        cast(sum(detractors) as bigint) as detractors,
        {{ nps_from_counts('sum(promoters)', 'sum(detractors)', 'sum(responses)') }} as nps,
        {{ cx_nps_uncertainty('sum(promoters)', 'sum(passives)', 'sum(detractors)') }}
    from {{ relation }}
    group by {{ grain | join(', ') }}
{%- endmacro %}

{#- The additive measures of a group of responses of fct_nps_responses (bigint), from which
    every score of any period and grouping is recomputed exactly: NPS counts of the responses
    with an NPS score; CSAT and CES responses, the satisfied / easy / difficult ones, and the
    sums and sums of squares of the scores (for means and their intervals). `responses` counts
    the responses: every row by default, or a 0/1 column when the rows hold other facts too. -#}
{% macro cx_measures(responses='count(*)') -%}
    {%- set csat = cx_metric_bounds()['csat_score'] -%}
    {%- set ces = cx_metric_bounds()['ces_score'] -%}
    cast({{ responses }} as bigint) as responses,
    cast(count(nps_category) as bigint) as nps_responses,
    cast(sum(case when nps_category = {{ nps_literal('category', 'promoter') }} then 1 else 0 end) as bigint) as promoters,
    cast(sum(case when nps_category = {{ nps_literal('category', 'passive') }} then 1 else 0 end) as bigint) as passives,
    cast(sum(case when nps_category = {{ nps_literal('category', 'detractor') }} then 1 else 0 end) as bigint) as detractors,
    cast(count(csat_score) as bigint) as csat_responses,
    cast(sum(case when csat_score >= {{ csat.satisfied_min_score }} then 1 else 0 end) as bigint) as csat_satisfied,
    cast(coalesce(sum(csat_score), 0) as bigint) as csat_score_sum,
    cast(coalesce(sum(csat_score * csat_score), 0) as bigint) as csat_score_sum_squares,
    cast(count(ces_score) as bigint) as ces_responses,
    cast(sum(case when ces_score >= {{ ces.easy_min_score }} then 1 else 0 end) as bigint) as ces_easy,
    cast(sum(case when ces_score <= {{ ces.difficult_max_score }} then 1 else 0 end) as bigint) as ces_difficult,
    cast(coalesce(sum(ces_score), 0) as bigint) as ces_score_sum,
    cast(coalesce(sum(ces_score * ces_score), 0) as bigint) as ces_score_sum_squares
{%- endmacro %}

{#- The measure columns of cx_measures, then the scores recomputed from them (never averaged):
    nps, csat_pct (100 x satisfied / responses), csat_mean, ces_easy_pct, ces_mean, each
    followed by its uncertainty (cx_intervals), in the order of fct_cx_daily_by_dimension.
    `prefix` qualifies the measure columns. -#}
{% macro cx_scores(prefix='') -%}
    {{ prefix }}responses,
    {{ prefix }}nps_responses,
    {{ prefix }}promoters,
    {{ prefix }}passives,
    {{ prefix }}detractors,
    {{ nps_from_counts(prefix ~ 'promoters', prefix ~ 'detractors', prefix ~ 'nps_responses') }} as nps,
    {{ cx_nps_uncertainty(prefix ~ 'promoters', prefix ~ 'passives', prefix ~ 'detractors') }},
    {{ prefix }}csat_responses,
    {{ prefix }}csat_satisfied,
    {{ prefix }}csat_score_sum,
    {{ prefix }}csat_score_sum_squares,
    {{ cx_rounded_ratio(prefix ~ 'csat_satisfied', prefix ~ 'csat_responses', 100) }} as csat_pct,
    {{ cx_share_interval(prefix ~ 'csat_satisfied', prefix ~ 'csat_responses', 'csat') }},
    {{ cx_rounded_ratio(prefix ~ 'csat_score_sum', prefix ~ 'csat_responses', 1) }} as csat_mean,
    {{ cx_mean_interval(prefix ~ 'csat_score_sum', prefix ~ 'csat_score_sum_squares', prefix ~ 'csat_responses', 'csat_score', 'csat_mean') }},
    {{ prefix }}csat_responses < {{ cx_min_responses() }} as is_csat_below_min_responses,
    {{ prefix }}ces_responses,
    {{ prefix }}ces_easy,
    {{ prefix }}ces_difficult,
    {{ prefix }}ces_score_sum,
    {{ prefix }}ces_score_sum_squares,
    {{ cx_rounded_ratio(prefix ~ 'ces_easy', prefix ~ 'ces_responses', 100) }} as ces_easy_pct,
    {{ cx_share_interval(prefix ~ 'ces_easy', prefix ~ 'ces_responses', 'ces_easy') }},
    {{ cx_rounded_ratio(prefix ~ 'ces_score_sum', prefix ~ 'ces_responses', 1) }} as ces_mean,
    {{ cx_mean_interval(prefix ~ 'ces_score_sum', prefix ~ 'ces_score_sum_squares', prefix ~ 'ces_responses', 'ces_score', 'ces_mean') }},
    {{ prefix }}ces_responses < {{ cx_min_responses() }} as is_ces_below_min_responses
{%- endmacro %}

{#- The additive columns of the CX cube (cx_measures), which sum over days and values. -#}
{% macro cx_additive_measures() -%}
    {{ return([
        'responses', 'nps_responses', 'promoters', 'passives', 'detractors',
        'csat_responses', 'csat_satisfied', 'csat_score_sum', 'csat_score_sum_squares',
        'ces_responses', 'ces_easy', 'ces_difficult', 'ces_score_sum', 'ces_score_sum_squares',
    ]) }}
{%- endmacro %}

{#- The long-format daily cube (fct_cx_daily_by_dimension) is one scan of the responses grouped
    by grouping sets: (response_date) for overall, and (response_date, dimension__<name>) for
    each dimension of cx_dimensions. These macros write its parts. -#}

{#- The grouped dimensions of cx_dimensions: every one but overall. -#}
{% macro cx_grouped_dimensions() -%}
    {%- set names = [] -%}
    {%- for name, column in cx_dimensions().items() if column is not none -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- Select list: dimension__<name> for each grouped dimension, its column as text, an empty
    value counting as unknown. -#}
{% macro cx_dimension_columns() -%}
    {%- set dimensions = cx_dimensions() -%}
    {%- for name in cx_grouped_dimensions() %}
    coalesce({{ cast_to_text(dimensions[name]) }}, {{ nps_literal('placeholder', 'unknown') }}) as dimension__{{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- dimension_name and dimension_value of a grouped row, told by grouping(). -#}
{% macro cx_dimension_name_and_value() -%}
    case
        {%- for name in cx_grouped_dimensions() %}
        when grouping(dimension__{{ name }}) = 0 then {{ nps_literal('dimension', name) }}
        {%- endfor %}
        else {{ nps_literal('dimension', 'overall') }}
    end as dimension_name,
    case
        {%- for name in cx_grouped_dimensions() %}
        when grouping(dimension__{{ name }}) = 0 then dimension__{{ name }}
        {%- endfor %}
        else {{ nps_literal('placeholder', 'all') }}
    end as dimension_value
{%- endmacro %}

{#- The grouping sets: overall, then one per grouped dimension, each by response_date. -#}
{% macro cx_dimension_grouping_sets() -%}
    grouping sets (
        (response_date),
        {%- for name in cx_grouped_dimensions() %}
        (response_date, dimension__{{ name }}){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- The columns cx_scores writes, in order: the measures, scores and their uncertainty
    (contract CX_MEASURES). -#}
{% macro cx_measure_columns() -%}
    {{ return([
        'responses', 'nps_responses', 'promoters', 'passives', 'detractors',
        'nps', 'nps_standard_error', 'nps_ci_lower', 'nps_ci_upper', 'is_below_min_responses',
        'csat_responses', 'csat_satisfied', 'csat_score_sum', 'csat_score_sum_squares',
        'csat_pct', 'csat_ci_lower', 'csat_ci_upper', 'csat_mean', 'csat_mean_ci_lower', 'csat_mean_ci_upper',
        'is_csat_below_min_responses',
        'ces_responses', 'ces_easy', 'ces_difficult', 'ces_score_sum', 'ces_score_sum_squares',
        'ces_easy_pct', 'ces_easy_ci_lower', 'ces_easy_ci_upper', 'ces_mean', 'ces_mean_ci_lower', 'ces_mean_ci_upper',
        'is_ces_below_min_responses',
    ]) }}
{%- endmacro %}

{#- Select-list items over the additive measures of the CX cube (cx_additive_measures), joined
    by commas: `template` is each item with {m} standing for the measure's name, for instance
    'cast(sum({m}) as bigint) as {m}'. -#}
{% macro cx_each_measure(template) -%}
    {%- set items = [] -%}
    {%- for measure in cx_additive_measures() -%}
        {%- do items.append(template | replace('{m}', measure)) -%}
    {%- endfor -%}
    {{ items | join(',\n        ') }}
{%- endmacro %}
