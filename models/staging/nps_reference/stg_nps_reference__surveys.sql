with

surveys as (

    select * from {{ ref('nps_surveys') }}

),

normalised as (

    select
        {{ cast_to_text(trim_whitespace('survey_id')) }} as survey_id,
        {{ cast_to_text('survey_name') }} as survey_name,
        {{ cast_to_text('lower(' ~ trim_whitespace('survey_type') ~ ')') }} as survey_type,
        {{ cast_to_text("nullif(lower(" ~ trim_whitespace('touchpoint') ~ "), '')") }} as touchpoint,
        {{ cast_to_text("nullif(lower(" ~ trim_whitespace('brand') ~ "), '')") }} as brand,
        {{ cast_to_text("nullif(lower(" ~ trim_whitespace('business_unit') ~ "), '')") }} as business_unit

    from surveys

)

select * from normalised
