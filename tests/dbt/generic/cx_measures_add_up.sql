{#- On a model of cx_measures with their scores (fct_cx_daily_by_dimension): every row counts a
    response; no metric counts more responses than the row; the CSAT and CES counts and sums fit
    their scales (cx_metric_bounds); every percentage and mean equals the value recomputed from
    the row's measures. Every row counts at least `min_responses` responses (0 for the rolling
    windows, which keep the days without any). -#}
{% test cx_measures_add_up(model, min_responses=1) %}
{%- set csat = cx_metric_bounds()['csat_score'] -%}
{%- set ces = cx_metric_bounds()['ces_score'] %}

select *

from {{ model }}
where
    responses < {{ min_responses }}
    or nps_responses > responses
    or csat_responses > responses
    or ces_responses > responses
    or csat_satisfied < 0
    or csat_satisfied > csat_responses
    or ces_easy < 0
    or ces_difficult < 0
    or ces_easy + ces_difficult > ces_responses
    or csat_score_sum < {{ csat.min_score }} * csat_responses
    or csat_score_sum > {{ csat.max_score }} * csat_responses
    or ces_score_sum < {{ ces.min_score }} * ces_responses
    or ces_score_sum > {{ ces.max_score }} * ces_responses
    or csat_score_sum_squares < csat_score_sum
    or ces_score_sum_squares < ces_score_sum
    or coalesce(csat_pct, -1) <> coalesce({{ cx_rounded_ratio('csat_satisfied', 'csat_responses', 100) }}, -1)
    or coalesce(csat_mean, -1) <> coalesce({{ cx_rounded_ratio('csat_score_sum', 'csat_responses', 1) }}, -1)
    or coalesce(ces_easy_pct, -1) <> coalesce({{ cx_rounded_ratio('ces_easy', 'ces_responses', 100) }}, -1)
    or coalesce(ces_mean, -1) <> coalesce({{ cx_rounded_ratio('ces_score_sum', 'ces_responses', 1) }}, -1)

{% endtest %}
