{{ config(materialized='table') }}

with

responses as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by response_id, rejection_reason is null
            order by submitted_at desc, source_file desc, source_row_number desc
        ) as recency_rank

    from responses

),

statused as (

    select
        *,
        case
            when rejection_reason is not null then {{ nps_literal('status', 'rejected') }}
            when recency_rank = 1 then {{ nps_literal('status', 'accepted') }}
            else {{ nps_literal('status', 'superseded') }}
        end as status

    from ranked

)

select * from statused
