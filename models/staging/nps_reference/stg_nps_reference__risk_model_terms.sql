with

risk_model as (

    select * from {{ ref('cx_risk_model') }}

),

typed as (

    select
        {{ cast_to_text(trim_whitespace('model')) }} as model,  -- noqa: RF04
        {{ cast_to_text(trim_whitespace('feature')) }} as feature,
        {{ cast_to_double('feature_mean') }} as feature_mean,
        {{ cast_to_double('feature_scale') }} as feature_scale,
        {{ cast_to_double('coefficient') }} as coefficient

    from risk_model

)

select * from typed
