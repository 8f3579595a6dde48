{#- History of a source whose rows are an entity as of a time (customers, agents): its valid rows
    ranked, then versions - the latest row of each (entity, time), a row equal in every attribute
    to the one before it merged into it, each version valid from its first row's time to the
    next version's. -#}

{#- is_latest_row of a valid row: whether it wins among the rows of its `partition` (a list of
    columns), the latest landing file and row winning. -#}
{% macro cx_is_latest_row(partition) -%}
    row_number() over (
        partition by {{ partition | join(', ') }}
        order by source_file desc, source_row_number desc
    ) = 1
{%- endmacro %}

{#- Whether a winning row starts a new version of its entity (`key`, ordered by `at`): the first
    row, or one whose `attributes` differ from the previous row's (nulls equal). -#}
{% macro cx_starts_version(key, at, attributes) -%}
    case
        when lag({{ key }}) over (partition by {{ key }} order by {{ at }}) is null then 1
        {% for attribute in attributes -%}
        when not {{ null_safe_equal(attribute, 'lag(' ~ attribute ~ ') over (partition by ' ~ key ~ ' order by ' ~ at ~ ')') }} then 1
        {% endfor -%}
        else 0
    end
{%- endmacro %}

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
