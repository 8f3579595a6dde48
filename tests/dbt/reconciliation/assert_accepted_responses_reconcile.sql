-- fct_nps_responses rows = the responses summed over fct_nps_daily, and every response of the
-- latest load (every response after a full refresh; all of them with var nps_test_all_rows)
-- is a valid staging row of the same response_id, file and row. Returns one row per failure.

{%- set all_rows = var('nps_test_all_rows') | string | lower in ['true', '1', 'yes'] %}

with

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

daily as (

    select * from {{ ref('fct_nps_daily') }}

),

staged as (

    select * from {{ ref('stg_nps_survey__responses') }}

),

latest_load as (

    select max(loaded_at) as loaded_at from responses

),

totals as (

    select
        (select count(*) from responses) as fact_rows,
        (select coalesce(sum(responses), 0) from daily) as daily_responses

),

checked_responses as (

    select responses.*
    from responses
    cross join latest_load
    where {{ 'true' if all_rows else 'responses.loaded_at = latest_load.loaded_at' }}

),

matched as (

    select
        checked_responses.response_id,
        count(staged.source_row_number) as matching_valid_rows

    from checked_responses
    left join staged
        on
            checked_responses.response_key = staged.response_key
            and checked_responses.source_file = staged.source_file
            and checked_responses.source_row_number = staged.source_row_number
            and checked_responses.response_id = staged.response_id
            and staged.rejection_reason is null
    group by checked_responses.response_id

),

failures as (

    select
        'fact rows differ from the daily responses' as failure,
        cast(null as varchar) as response_id
    from totals
    where fact_rows <> daily_responses

    union all

    select
        'response without exactly one valid staging row' as failure,
        response_id
    from matched
    where matching_valid_rows <> 1

)

select * from failures
