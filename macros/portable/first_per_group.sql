{#- One row per group of `partition_by` (column names of `relation`, a CTE): the `columns` of the
    group's first row in the order `order_by` (SQL order terms, 'submitted_at desc'), as a select
    statement. End the order with a key, so that no two rows tie. On DuckDB it suits few, large
    groups (below). -#}
{% macro nps_first_per_group(relation, partition_by, order_by, columns) -%}
    {{ return(adapter.dispatch('nps_first_per_group', 'nps_warehouse')(relation, partition_by, order_by, columns)) }}
{%- endmacro %}

{#- Every row numbered in its group, the first kept. -#}
{% macro default__nps_first_per_group(relation, partition_by, order_by, columns) -%}
    select
        {{ (partition_by + columns) | join(',\n        ') }}

    from (
        select
            {{ (partition_by + columns) | join(',\n            ') }},
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by | join(', ') }}
            ) as nps_row_number

        from {{ relation }}
    ) as numbered
    where nps_row_number = 1
{%- endmacro %}

{#- DuckDB: one ordered aggregate `first(column order by ...)` per column, in one grouping (its
    orders and NULL placement are those of the window's). For few, large groups: the 22M
    candidates of rpt_cx_drivers' examples in a few hundred groups took 7 s instead of 16 s on 10M
    responses. For many small groups the window is faster: the latest case of each of 1.8M
    customers took 4 s more, so fct_customer_health and fct_followup_cases number their rows. -#}
{% macro duckdb__nps_first_per_group(relation, partition_by, order_by, columns) -%}
    select
        {{ partition_by | join(',\n        ') }},
        {%- for column in columns %}
        first({{ column }} order by {{ order_by | join(', ') }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ relation }}
    group by {{ partition_by | join(', ') }}
{%- endmacro %}
