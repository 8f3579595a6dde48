with

-- the dates of every accepted response, whatever metrics it carries
daily as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}
    where dimension_name = {{ nps_literal('dimension', 'overall') }}

),

spine as (

    {{ date_spine_days(
        '(select min(response_date) from daily)',
        '(select max(response_date) from daily)',
    ) }}

),

final as (

    select
        date_day,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week,
        {{ iso_day_of_week('date_day') }} >= 6 as is_weekend,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start_date

    from spine

)

select * from final
