{#- SQL type names, per engine. A declared type keeps a column's type the same on every engine
    and from one incremental run to the next (PostgreSQL types text functions as text, not
    varchar; Spark calls it string). -#}

{#- Variable-length text. -#}
{% macro text_type() -%}
    {{ return(adapter.dispatch('text_type', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__text_type() -%}
    varchar
{%- endmacro %}

{% macro spark__text_type() -%}
    string
{%- endmacro %}

{#- `expr` as variable-length text. -#}
{% macro cast_to_text(expr) -%}
    cast({{ expr }} as {{ text_type() }})
{%- endmacro %}

{#- Double-precision floating point: the type every statistic is computed in. -#}
{% macro double_type() -%}
    {{ return(adapter.dispatch('double_type', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double precision
{%- endmacro %}

{% macro spark__double_type() -%}
    double
{%- endmacro %}

{#- `expr` as a double. -#}
{% macro cast_to_double(expr) -%}
    cast({{ expr }} as {{ double_type() }})
{%- endmacro %}
