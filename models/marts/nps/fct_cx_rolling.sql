{#- A table rebuilt by every build from the daily cube: windows sum the additive counts of the
    days they cover (a day without responses counts zero) and every score and interval is
    recomputed from the sums. -#}
with

cells as (

    select * from {{ ref('int_cx_daily_cells_filled') }}

),

first_day as (

    select min(date_day) as first_date from cells

),

windowed as (

    {% for window_days in cx_rolling_windows() -%}
        select
            date_day,
            {{ window_days }} as window_days,
            dimension_name,
            dimension_value,
            {{ add_days_to_date('date_day', 1 - window_days) }} as window_start_date,
            {{ cx_each_measure(
                'cast(sum({m}) over (partition by dimension_name, dimension_value order by date_day'
                ~ ' rows between ' ~ (window_days - 1) ~ ' preceding and current row) as bigint) as {m}'
            ) }}

        from cells
        {% if not loop.last -%}
            union all
        {% endif -%}
    {% endfor %}

),

final as (

    select
        windowed.date_day,
        windowed.window_days,
        windowed.dimension_name,
        windowed.dimension_value,
        windowed.window_start_date,
        windowed.window_start_date >= first_day.first_date as is_window_complete,
        {{ cx_scores('windowed.') }}

    from windowed
    cross join first_day

)

select * from final
