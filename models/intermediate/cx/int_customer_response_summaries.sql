{#- Incremental by customer (a table on Spark): each customer's summary is kept with a fingerprint
    of what it was computed from - the count and the sum of the row hashes of the customer's
    responses known at cx_as_of, each row hashed with every column the summary reads, its
    loaded_at (a new winning row, so a new comment) and whether it is inside each window ending
    at as_of. A build computes every customer's fingerprint (one scan, no sort) and summarises
    again only the customers whose fingerprint changed: new or resubmitted responses, a
    customer extract that changed the tier or age band of old responses, a response crossing a
    window's edge as cx_as_of moves, a var changing a window, an edited band seed. A customer
    left without a known response (cx_as_of moved back, a resubmission naming another customer)
    is written as a row without responses, which the post-hook deletes. The same rows as a full
    rebuild. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='fail',
    post_hook="{{ cx_delete_customers_without_responses() }}",
) }}

{%- set settings = cx_health_settings() %}
{%- set as_of = cx_as_of() %}
{%- set detractor = nps_literal('category', 'detractor') %}
{%- set window_start = add_hours_to_timestamp(as_of, -24 * settings.window_days) %}
{%- set repeat_start = add_hours_to_timestamp(as_of, -24 * settings.repeat_detractor_days) %}
{#- the responses a summary reads, and what each row's hash reads -#}
{%- set known_filter = 'customer_id is not null and submitted_at <= ' ~ as_of %}
{%- set in_window = 'case when submitted_at > ' ~ window_start ~ ' then 1 else 0 end' %}
{%- set in_repeat_window = 'case when submitted_at > ' ~ repeat_start ~ ' then 1 else 0 end' %}
{%- set row_hash = nps_row_hash([
    'response_id', 'loaded_at', 'submitted_at', 'response_date', 'loyalty_tier', 'age_band', 'segment',
    'nps_score', 'nps_category', in_window, in_repeat_window,
]) %}

with

{% if is_incremental() -%}
-- every customer's fingerprint now, and the one its summary was computed from
fingerprints as (

    select
        customer_id,
        count(*) as known_responses,
        cast(sum({{ row_hash }}) as decimal(38, 0)) as responses_fingerprint

    from {{ ref('fct_cx_responses') }}
    where {{ known_filter }}
    group by customer_id

),

stored as (

    select
        customer_id,
        known_responses,
        responses_fingerprint

    from {{ this }}

),

-- the customers to summarise again: a fingerprint that changed, appeared or left
changed as (

    select
        coalesce(fingerprints.customer_id, stored.customer_id) as customer_id,
        fingerprints.customer_id is null as has_left

    from fingerprints
    full outer join stored
        on fingerprints.customer_id = stored.customer_id
    where
        fingerprints.customer_id is null
        or stored.customer_id is null
        or fingerprints.known_responses != stored.known_responses
        or fingerprints.responses_fingerprint != stored.responses_fingerprint

),

{% endif -%}

known as (

    select
        customer_id,
        response_id,
        response_date,
        submitted_at,
        loyalty_tier,
        age_band,
        segment,
        nps_score,
        nps_category,
        {{ in_window }} as is_in_window,
        {{ in_repeat_window }} as is_in_repeat_window,
        {{ row_hash }} as row_hash

    from {{ ref('fct_cx_responses') }}
    where {{ known_filter }}
    {% if is_incremental() -%}
        and customer_id in (select changed.customer_id from changed where not changed.has_left)
    {%- endif %}

),

insights as (

    select * from {{ ref('fct_comment_insights') }}

),

-- each known response numbered from its customer's latest: among all of them, among the NPS
-- answers and among the commented ones, in one sort (the counts run from the latest down to
-- the row, so the latest NPS answer is the answer with nps_from_last 1)
ordered as (

    select
        known.*,
        insights.response_id as comment_response_id,
        row_number() over latest_first as from_last,
        count(known.nps_score) over latest_first as nps_from_last,
        count(insights.response_id) over latest_first as comments_from_last

    from known
    left join insights
        on known.response_id = insights.response_id
    window latest_first as (
        partition by known.customer_id
        order by known.submitted_at desc, known.response_id desc
    )

),

-- one row per customer: the activity, the NPS answers, the latest response (its tier, age band
-- and segment), the last two NPS answers and the last comment
summaries as (

    select
        customer_id,
        count(*) as known_responses,
        cast(sum(row_hash) as decimal(38, 0)) as responses_fingerprint,
        cast(sum(is_in_window) as bigint) as responses_365d,
        cast(sum(case when is_in_window = 1 and nps_category = {{ detractor }} then 1 else 0 end) as bigint)
            as detractor_responses_365d,
        cast(sum(case when is_in_repeat_window = 1 and nps_category = {{ detractor }} then 1 else 0 end) as bigint)
            as recent_detractor_responses,
        max(response_date) as last_response_date,
        avg({{ cast_to_double('nps_score') }}) as mean_nps,
        sum(case when nps_category = {{ detractor }} then 1.0 else 0.0 end) / nullif(count(nps_score), 0)
            as detractor_share,
        nullif(count(nps_score), 0) as nps_answers,
        max(case when from_last = 1 then submitted_at end) as latest_submitted_at,
        max(case when from_last = 1 then loyalty_tier end) as latest_loyalty_tier,
        max(case when from_last = 1 then age_band end) as latest_age_band,
        max(case when from_last = 1 then segment end) as latest_segment,
        max(case when nps_score is not null and nps_from_last = 1 then nps_score end) as last_nps_score,
        max(case when nps_score is not null and nps_from_last = 2 then nps_score end) as previous_nps_score,
        max(case when nps_score is not null and nps_from_last = 1 then nps_category end) as last_nps_category,
        max(case when nps_score is not null and nps_from_last = 2 then nps_category end)
            as previous_nps_category,
        max(case when comment_response_id is not null and comments_from_last = 1 then comment_response_id end)
            as last_comment_response_id,
        {{ nps_load_timestamp() }} as summarised_at

    from ordered
    group by customer_id

),

final as (

    select * from summaries
    {%- if is_incremental() %}

    union all

    -- a customer left without a known response: a row without responses replaces its summary,
    -- and the post-hook deletes it
    select
        customer_id,
        0 as known_responses,
        cast(null as decimal(38, 0)) as responses_fingerprint,
        cast(null as bigint) as responses_365d,
        cast(null as bigint) as detractor_responses_365d,
        cast(null as bigint) as recent_detractor_responses,
        cast(null as date) as last_response_date,
        {{ cast_to_double('null') }} as mean_nps,
        null as detractor_share,
        null as nps_answers,
        cast(null as timestamp) as latest_submitted_at,
        {{ cast_to_text('null') }} as latest_loyalty_tier,
        {{ cast_to_text('null') }} as latest_age_band,
        {{ cast_to_text('null') }} as latest_segment,
        null as last_nps_score,
        null as previous_nps_score,
        {{ cast_to_text('null') }} as last_nps_category,
        {{ cast_to_text('null') }} as previous_nps_category,
        {{ cast_to_text('null') }} as last_comment_response_id,
        {{ nps_load_timestamp() }} as summarised_at

    from changed
    where has_left
    {%- endif %}

)

select * from final
