{#- A table: the rolling windows and the detractor-spike alert both read every cell on every
    day, and a day without responses must count as zero, not be skipped. -#}
{{ config(materialized='table') }}

with

daily as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}

),

dates as (

    select * from {{ ref('dim_date') }}

),

cells as (

    select distinct
        dimension_name,
        dimension_value

    from daily

),

filled as (

    select
        dates.date_day,
        cells.dimension_name,
        cells.dimension_value,
        {{ cx_each_measure('cast(coalesce(daily.{m}, 0) as bigint) as {m}') }}

    from dates
    cross join cells
    left join daily
        on
            dates.date_day = daily.response_date
            and cells.dimension_name = daily.dimension_name
            and cells.dimension_value = daily.dimension_value

)

select * from filled
