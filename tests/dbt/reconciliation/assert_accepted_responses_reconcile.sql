-- fct_nps_responses rows with an NPS score = the responses summed over fct_nps_daily, and every
-- response of the
-- latest load (every response after a full refresh; all of them with var nps_test_all_rows)
-- is a valid staging row of the same response_id, file and row. Returns one row per failure.
-- Each CTE reads its relation once (DuckDB materialises a CTE read twice). A staged row is found
-- by its file and row number, staging's key (nps_unique_combination), and then compared: one
-- join and no aggregate over the responses, so that a full refresh of 100M responses checks
-- them within DuckDB's memory_limit of 4GB (a count per response_id ran out of it).

{%- set all_rows = var('nps_test_all_rows') | string | lower in ['true', '1', 'yes'] %}

with

fact_rows as (

    select count(nps_score) as fact_rows from {{ ref('fct_nps_responses') }}

),

daily_responses as (

    select coalesce(sum(responses), 0) as daily_responses from {{ ref('fct_nps_daily') }}

),

checked_responses as (

    select * from {{ ref('fct_nps_responses') }}
    where {{ 'true' if all_rows else 'loaded_at = ' ~ nps_latest_load() }}

),

staged as (

    -- a response published by the latest load was staged by it (its loaded_at is its
    -- winning row's), so only that load's rows can match
    select * from {{ ref('stg_nps_survey__responses') }}
    where {{ 'true' if all_rows else 'loaded_at = ' ~ nps_latest_load() }}

),

-- a response whose file and row are no staged row, or a row rejected, or another response's
unmatched as (

    select checked_responses.response_id

    from checked_responses
    left join staged
        on
            checked_responses.source_file = staged.source_file
            and checked_responses.source_row_number = staged.source_row_number
    where
        staged.source_row_number is null
        or staged.rejection_reason is not null
        or staged.response_id <> checked_responses.response_id
        or staged.response_key <> checked_responses.response_key

),

failures as (

    select
        'fact rows with an NPS score differ from the daily responses' as failure,
        cast(null as {{ text_type() }}) as response_id
    from fact_rows
    cross join daily_responses
    where fact_rows.fact_rows <> daily_responses.daily_responses

    union all

    select
        'response without exactly one valid staging row' as failure,
        response_id
    from unmatched

)

select * from failures
