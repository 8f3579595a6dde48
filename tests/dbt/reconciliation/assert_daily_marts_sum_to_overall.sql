-- The daily cube and each per-dimension daily mart add up, day by day and count by count, to
-- fct_nps_daily_overall: returns each (mart, day) that does not.

{%- set marts = [
    'fct_nps_daily',
    'fct_nps_daily_by_channel',
    'fct_nps_daily_by_region',
    'fct_nps_daily_by_segment',
] %}

with

overall as (

    select * from {{ ref('fct_nps_daily_overall') }}

),

{% for mart in marts -%}
{{ mart }}_per_day as (

    select
        '{{ mart }}' as mart,
        response_date,
        sum(responses) as responses,
        sum(promoters) as promoters,
        sum(passives) as passives,
        sum(detractors) as detractors

    from {{ ref(mart) }}
    group by response_date

),

{% endfor -%}

per_day as (

    {% for mart in marts -%}
    select * from {{ mart }}_per_day
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

mismatches as (

    select
        per_day.mart,
        coalesce(per_day.response_date, overall.response_date) as response_date,
        per_day.responses as mart_responses,
        overall.responses as overall_responses

    from per_day
    full outer join overall
        on per_day.response_date = overall.response_date
    where
        per_day.response_date is null
        or overall.response_date is null
        or per_day.responses <> overall.responses
        or per_day.promoters <> overall.promoters
        or per_day.passives <> overall.passives
        or per_day.detractors <> overall.detractors

)

select * from mismatches
