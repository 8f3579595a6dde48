-- The daily cube and each per-dimension daily mart add up, day by day and count by count, to
-- fct_nps_daily_overall: returns each (mart, day) that does not.

with

overall as (

    select * from {{ ref('fct_nps_daily_overall') }}

),

fct_nps_daily as (

    select * from {{ ref('fct_nps_daily') }}

),

fct_nps_daily_by_channel as (

    select * from {{ ref('fct_nps_daily_by_channel') }}

),

fct_nps_daily_by_region as (

    select * from {{ ref('fct_nps_daily_by_region') }}

),

fct_nps_daily_by_segment as (

    select * from {{ ref('fct_nps_daily_by_segment') }}

),

per_day as (

    select
        'fct_nps_daily' as mart,
        response_date,
        sum(responses) as responses,
        sum(promoters) as promoters,
        sum(passives) as passives,
        sum(detractors) as detractors
    from fct_nps_daily
    group by response_date

    union all

    select
        'fct_nps_daily_by_channel' as mart,
        response_date,
        sum(responses) as responses,
        sum(promoters) as promoters,
        sum(passives) as passives,
        sum(detractors) as detractors
    from fct_nps_daily_by_channel
    group by response_date

    union all

    select
        'fct_nps_daily_by_region' as mart,
        response_date,
        sum(responses) as responses,
        sum(promoters) as promoters,
        sum(passives) as passives,
        sum(detractors) as detractors
    from fct_nps_daily_by_region
    group by response_date

    union all

    select
        'fct_nps_daily_by_segment' as mart,
        response_date,
        sum(responses) as responses,
        sum(promoters) as promoters,
        sum(passives) as passives,
        sum(detractors) as detractors
    from fct_nps_daily_by_segment
    group by response_date

),

mart_names as (

    select 'fct_nps_daily' as mart
    union all
    select 'fct_nps_daily_by_channel' as mart
    union all
    select 'fct_nps_daily_by_region' as mart
    union all
    select 'fct_nps_daily_by_segment' as mart

),

expected as (

    select
        marts.mart,
        overall.response_date,
        overall.responses,
        overall.promoters,
        overall.passives,
        overall.detractors

    from overall
    cross join mart_names as marts

),

mismatches as (

    select
        per_day.responses as mart_responses,
        expected.responses as overall_responses,
        coalesce(per_day.mart, expected.mart) as mart,
        coalesce(per_day.response_date, expected.response_date) as response_date

    from per_day
    full outer join expected
        on
            per_day.mart = expected.mart
            and per_day.response_date = expected.response_date
    where
        per_day.response_date is null
        or expected.response_date is null
        or per_day.responses <> expected.responses
        or per_day.promoters <> expected.promoters
        or per_day.passives <> expected.passives
        or per_day.detractors <> expected.detractors

)

select * from mismatches
