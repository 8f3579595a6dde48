{#- Codes of the free-text dimensions that their seed does not list, from the daily cube (so it
    costs the cube's rows, not the responses'). A code is kept as read in the marts; this report
    is where a typo or an injected value shows before it passes for a new region. -#}
{#- The dimensions with a code list: region and segment (their own seeds), and those of
    nps_codes the cube has. -#}
{%- set coded_dimensions = ['region', 'segment'] -%}
{%- for name in cx_code_dimensions() if name in cx_dimensions() -%}
    {%- do coded_dimensions.append(name) -%}
{%- endfor %}

with

cube as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}

),

regions as (

    select * from {{ ref('nps_regions') }}

),

segments as (

    select * from {{ ref('nps_segments') }}

),

codes as (

    select * from {{ ref('stg_nps_reference__codes') }}

),

known_codes as (

    select
        {{ nps_literal('dimension', 'region') }} as dimension_name,
        {{ cast_to_text('region') }} as code
    from regions
    union all
    select
        {{ nps_literal('dimension', 'segment') }} as dimension_name,
        {{ cast_to_text('segment') }} as code
    from segments
    union all
    select
        dimension_name,
        code
    from codes

),

coded_cells as (

    select * from cube
    where
        dimension_name in ({{ nps_literal_list(coded_dimensions) }})
        and dimension_value != {{ nps_literal('placeholder', 'unknown') }}

),

unmapped_cells as (

    select coded_cells.*
    from coded_cells
    left join known_codes
        on
            coded_cells.dimension_name = known_codes.dimension_name
            and coded_cells.dimension_value = known_codes.code
    where known_codes.code is null

),

final as (

    select
        dimension_name,
        dimension_value as code,
        cast(sum(responses) as bigint) as responses,
        min(response_date) as first_response_date,
        max(response_date) as last_response_date

    from unmapped_cells
    group by dimension_name, dimension_value

)

select * from final
