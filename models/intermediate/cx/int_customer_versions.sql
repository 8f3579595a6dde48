{#- A table: the point-in-time joins of fct_cx_responses and the customer dimensions read it.
    Incremental: a run rebuilds every version of each customer_id whose ranked rows changed since
    its last run (a row loaded later than the latest loaded_at it holds), and replaces that
    customer_id's versions; a new row changes only the history of its own customer_id, so the others
    keep theirs. The same rows as a full rebuild, but changed_at: when a build last changed the
    customer_id's versions, which fct_cx_responses reads to take again only the responses whose
    attributes may have changed. -#}
{{ config(
    materialized=nps_delete_insert_materialization(),
    incremental_strategy='delete+insert',
    unique_key='customer_id',
    on_schema_change='fail',
) }}

{%- set attributes = [
    'birth_date',
    'loyalty_tier',
    'country_code',
    'region',
    'city',
    'postal_code',
    'customer_since',
    'email',
    'phone',
] %}

with

ranked as (

    select * from {{ ref('int_customer_rows_ranked') }}

),

{% if is_incremental() %}

{{ cx_changed_keys('int_customer_rows_ranked', 'customer_id') }},

{% endif %}

latest_rows as (

    select ranked.*
    from ranked
    {% if is_incremental() -%}
    inner join changed_keys
        on ranked.customer_id = changed_keys.customer_id
    {% endif -%}
    where ranked.is_latest_row

),

flagged as (

    select
        *,
        {{ cx_starts_version('customer_id', 'updated_at', attributes) }} as starts_version

    from latest_rows

),

numbered as (

    select
        *,
        cast(sum(starts_version) over (
            partition by customer_id
            order by updated_at
            rows between unbounded preceding and current row
        ) as integer) as version_number

    from flagged

),

-- the rows of a version share its attributes; the version starts at its first row
versions as (

    select
        customer_id,
        version_number,
        cast(count(*) as bigint) as rows_merged,
        max(birth_date) as birth_date,
        max(loyalty_tier) as loyalty_tier,
        max(country_code) as country_code,
        max(region) as region,
        max(city) as city,
        max(postal_code) as postal_code,
        max(customer_since) as customer_since,
        max(email) as email,
        max(phone) as phone,
        min(updated_at) as valid_from,
        max(loaded_at) as loaded_at

    from numbered
    group by customer_id, version_number

),

dated as (

    select
        customer_id,
        version_number,
        rows_merged,
        birth_date,
        loyalty_tier,
        country_code,
        region,
        city,
        postal_code,
        customer_since,
        email,
        phone,
        valid_from,
        loaded_at,
        lead(valid_from) over (partition by customer_id order by valid_from) as valid_to,
        lead(valid_from) over (partition by customer_id order by valid_from) is null as is_current

    from versions

),

{% if is_incremental() %}

{{ cx_version_changes('customer_id', attributes) }},

{% endif %}

final as (

    select
        dated.*,
        {{ cx_version_changed_at() }} as changed_at

    from dated
    {% if is_incremental() -%}
    left join version_changes
        on dated.customer_id = version_changes.customer_id
    {% endif %}

)

select * from final
