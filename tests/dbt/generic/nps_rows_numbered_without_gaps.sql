{#- Every landing file's rows are all there: per source_file, the row numbers run from 1 to the
    number of rows (with nps_unique_combination on source_file, source_row_number, that is
    1..n exactly once). Row numbers come from the file reader, so a row lost between the file
    and the model leaves a gap. Returns each file that does not. -#}
{% test nps_rows_numbered_without_gaps(model) %}

with

per_file as (

    select
        source_file,
        count(*) as row_count,
        min(source_row_number) as first_row_number,
        max(source_row_number) as last_row_number

    from {{ model }}
    group by source_file

)

select * from per_file
where first_row_number <> 1 or last_row_number <> row_count

{% endtest %}
