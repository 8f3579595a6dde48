with

file_loads as (

    select * from {{ source('landing', 'landing_file_loads') }}

),

renamed as (

    select
        load_id,
        {{ cast_to_text('feed_name') }} as feed_name,
        {{ cast_to_text('source_name') }} as source_name,
        {{ cast_to_text('source_file') }} as source_file,
        {{ cast_to_text('file_fingerprint') }} as file_fingerprint,
        file_bytes,
        rows_read,
        {{ cast_to_text('source_timezone') }} as source_timezone,
        {{ cast_to_text("nullif(missing_columns, '')") }} as missing_columns,
        {{ cast_to_text('timestamp_formats') }} as timestamp_formats,
        {{ cast_to_text('decimal_mark') }} as decimal_mark,
        {{ cast_to_text('feed_settings') }} as feed_settings,
        loaded_at

    from file_loads

)

select * from renamed
