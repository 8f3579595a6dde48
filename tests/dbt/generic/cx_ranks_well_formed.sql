{#- A rank of a fair ranking (README, "Agents and teams") is what its definition says: null
    exactly for the rows below the minimum (`is_below`), otherwise 1 + the rows of its
    `partition` (a list of columns) with enough responses and a strictly higher `score`
    (competition ranking: ties share a rank); and `count_column` is the rows of the partition
    with enough responses. `key` (a list of columns) identifies a row. A self-join within the
    partitions (a team's agents of a month), not the window the models rank with. -#}
{% test cx_ranks_well_formed(model, column_name, score, is_below, partition, count_column, key) %}

with

ranked as (

    select * from {{ model }}

),

recounted as (

    select
        {%- for column in key %}
        ranked.{{ column }},
        {%- endfor %}
        ranked.{{ column_name }} as published_rank,
        ranked.{{ is_below }} as is_below,
        ranked.{{ count_column }} as published_count,
        sum(case when not other.{{ is_below }} then 1 else 0 end) as eligible,
        sum(case when not other.{{ is_below }} and other.{{ score }} > ranked.{{ score }} then 1 else 0 end) as higher

    from ranked
    inner join ranked as other
        on
            {%- for column in partition %}
            other.{{ column }} = ranked.{{ column }}{{ ' and' if not loop.last }}
            {%- endfor %}
    group by
        {%- for column in key %}
        ranked.{{ column }},
        {%- endfor %}
        ranked.{{ column_name }},
        ranked.{{ is_below }},
        ranked.{{ count_column }}

)

select *

from recounted
where
    (is_below and published_rank is not null)
    or (not is_below and (published_rank is null or published_rank <> higher + 1))
    or published_count <> eligible

{% endtest %}
