{#- Incremental by response (a table on Spark): a customer extract or an agent move that arrives
    after a response was published changes the attributes that response had at its
    submitted_at, so a run takes its attributes anew for every response published since the
    latest loaded_at this table holds and for every response of a customer or agent whose
    versions changed since then (changed_at; an extract that repeats what the history says
    changes none), or of an interaction with rows loaded since then; the others keep theirs,
    as nothing they read has changed. The same rows as a full rebuild. An edit of the seed
    nps_bands reaches the responses a run takes again (those of the last nps_reprocess_days
    days among them, which fct_nps_responses publishes again); the rest of the history needs
    `--full-refresh`, as for the other seeds of the response fact. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='response_id',
    on_schema_change='fail',
) }}

{%- set watermark = nps_processed_watermark(this) if is_incremental() else none %}

with

responses as (

    select * from {{ ref('fct_nps_responses') }}
    {% if is_incremental() -%}
    -- each changed key read apart: DuckDB copies whole a CTE read twice
    where
        loaded_at > {{ watermark }}
        or customer_id in (
            select customer_id from {{ ref('int_customer_versions') }}
            where changed_at > {{ watermark }}
        )
        or agent_id in (
            select agent_id from {{ ref('int_agent_versions') }}
            where changed_at > {{ watermark }}
        )
        or interaction_id in (
            select interaction_id from {{ ref('int_interaction_rows_ranked') }}
            where loaded_at > {{ watermark }}
        )
    {%- endif %}

),

customer_versions as (

    select * from {{ ref('int_customer_versions') }}

),

agent_versions as (

    select * from {{ ref('int_agent_versions') }}

),

interaction_rows as (

    select * from {{ ref('int_interaction_rows_ranked') }}

),

bands as (

    select * from {{ ref('stg_nps_reference__bands') }}

),

interactions as (

    -- incremental: only those of the responses taken again, or DuckDB builds the join's hash
    -- table on every interaction (1.7 s for 13M) however few responses a run takes again
    select * from interaction_rows
    where is_latest_row
    {% if is_incremental() -%}
        and interaction_id in (select responses.interaction_id from responses)
    {%- endif %}

),

-- the customer as it was at the response: the version valid at submitted_at, or the first one
-- when the response precedes every version
with_customer as (

    select
        responses.*,
        customer_versions.birth_date,
        customer_versions.customer_since,
        customer_versions.loyalty_tier,
        customer_versions.country_code

    from responses
    left join customer_versions
        on
            responses.customer_id = customer_versions.customer_id
            and (responses.submitted_at < customer_versions.valid_to or customer_versions.valid_to is null)
            and (responses.submitted_at >= customer_versions.valid_from or customer_versions.version_number = 1)

),

-- the agent as they were at the response, by the same rule
with_agent as (

    select
        with_customer.*,
        agent_versions.team,
        agent_versions.site

    from with_customer
    left join agent_versions
        on
            with_customer.agent_id = agent_versions.agent_id
            and (with_customer.submitted_at < agent_versions.valid_to or agent_versions.valid_to is null)
            and (with_customer.submitted_at >= agent_versions.valid_from or agent_versions.version_number = 1)

),

with_interaction as (

    select
        with_agent.*,
        interactions.wait_seconds,
        interactions.transfers,
        interactions.is_first_contact_resolution

    from with_agent
    left join interactions
        on with_agent.interaction_id = interactions.interaction_id

),

measured as (

    select
        *,
        {{ cx_whole_years('birth_date', 'response_date') }} as age_years,
        {{ cx_whole_years('customer_since', 'response_date') }} as tenure_years

    from with_interaction

),

banded as (

    select
        measured.*,
        age_bands.band as age_band_found,
        tenure_bands.band as tenure_band_found,
        wait_bands.band as wait_time_band_found,
        transfer_bands.band as transfers_band_found

    from measured
    left join bands as age_bands
        on
            age_bands.band_type = 'age_band'
            and {{ cx_in_band('measured.age_years', 'age_bands') }}
    left join bands as tenure_bands
        on
            tenure_bands.band_type = 'tenure_band'
            and {{ cx_in_band('measured.tenure_years', 'tenure_bands') }}
    left join bands as wait_bands
        on
            wait_bands.band_type = 'wait_time_band'
            and {{ cx_in_band('measured.wait_seconds', 'wait_bands') }}
    left join bands as transfer_bands
        on
            transfer_bands.band_type = 'transfers_band'
            and {{ cx_in_band('measured.transfers', 'transfer_bands') }}

),

final as (

    {%- set unknown = nps_literal('placeholder', 'unknown') %}

    select
        response_id,
        survey_id,
        customer_id,
        agent_id,
        interaction_id,
        invitation_id,
        channel,
        region,
        segment,
        survey_type,
        touchpoint,
        brand,
        business_unit,
        language,  -- noqa: RF04
        {{ cast_to_text("coalesce(age_band_found, " ~ unknown ~ ")") }} as age_band,
        {{ cast_to_text("coalesce(tenure_band_found, " ~ unknown ~ ")") }} as tenure_band,
        {{ cast_to_text("coalesce(loyalty_tier, " ~ unknown ~ ")") }} as loyalty_tier,
        {{ cast_to_text("coalesce(country_code, " ~ unknown ~ ")") }} as customer_country,
        {{ cast_to_text("coalesce(team, " ~ unknown ~ ")") }} as team,
        {{ cast_to_text("coalesce(site, " ~ unknown ~ ")") }} as site,
        {{ cast_to_text("coalesce(wait_time_band_found, " ~ unknown ~ ")") }} as wait_time_band,
        {{ cast_to_text("coalesce(transfers_band_found, " ~ unknown ~ ")") }} as transfers_band,
        cast(case
            when is_first_contact_resolution then {{ nps_literal('resolution', 'yes') }}
            when not is_first_contact_resolution then {{ nps_literal('resolution', 'no') }}
            else {{ nps_literal('resolution', 'unknown') }}
        end as {{ text_type() }}) as first_contact_resolution,
        nps_score,
        nps_category,
        csat_score,
        csat_category,
        ces_score,
        ces_category,
        response_date,
        submitted_at,
        loaded_at

    from banded

)

select * from final
