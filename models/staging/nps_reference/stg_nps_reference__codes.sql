with

codes as (

    select * from {{ ref('nps_codes') }}

),

normalised as (

    select
        {{ cast_to_text('lower(' ~ trim_whitespace('dimension_name') ~ ')') }} as dimension_name,
        {{ cast_to_text('lower(' ~ trim_whitespace('code') ~ ')') }} as code,
        {{ cast_to_text('code_name') }} as code_name

    from codes

)

select * from normalised
