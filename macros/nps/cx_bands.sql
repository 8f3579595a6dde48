{#- The attributes of a response at its time that are banded by the seed nps_bands. -#}

{#- Whole years from `from_date` to `to_date` (an age, a tenure): the difference of the years,
    less one before the anniversary; null when either is null. -#}
{% macro cx_whole_years(from_date, to_date) -%}
    (
        cast(extract(year from {{ to_date }}) as integer) - cast(extract(year from {{ from_date }}) as integer)
        - case
            when cast(extract(month from {{ to_date }}) as integer) * 100 + cast(extract(day from {{ to_date }}) as integer)
                < cast(extract(month from {{ from_date }}) as integer) * 100 + cast(extract(day from {{ from_date }}) as integer)
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- Whether `value` (not negative) falls in the band `band` of nps_bands: from lower_bound
    (inclusive, none when null) to upper_bound (exclusive, none when null). -#}
{% macro cx_in_band(value, band) -%}
    {{ value }} >= 0
    and ({{ band }}.lower_bound is null or {{ value }} >= {{ band }}.lower_bound)
    and ({{ band }}.upper_bound is null or {{ value }} < {{ band }}.upper_bound)
{%- endmacro %}
