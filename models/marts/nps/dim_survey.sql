with

reference as (

    select * from {{ ref('stg_nps_reference__surveys') }}

),

cube as (

    select * from {{ ref('fct_cx_daily_by_dimension') }}

),

observed as (

    select distinct dimension_value as survey_id
    from cube
    where dimension_name = {{ nps_literal('dimension', 'survey') }}

),

all_surveys as (

    select survey_id from reference
    union
    select survey_id from observed

),

final as (

    select
        all_surveys.survey_id,
        coalesce(reference.survey_name, all_surveys.survey_id) as survey_name,
        coalesce(reference.survey_type, {{ nps_literal('survey_type', 'unknown') }}) as survey_type,
        coalesce(reference.touchpoint, {{ nps_literal('placeholder', 'unknown') }}) as touchpoint,
        coalesce(reference.brand, {{ nps_literal('placeholder', 'unknown') }}) as brand,
        coalesce(reference.business_unit, {{ nps_literal('placeholder', 'unknown') }}) as business_unit,
        reference.survey_id is not null as is_reference_survey

    from all_surveys
    left join reference
        on all_surveys.survey_id = reference.survey_id

)

select * from final
