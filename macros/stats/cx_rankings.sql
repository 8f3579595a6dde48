{#- Fair rankings of agents, teams and sites (README, "Agents and teams"): an NPS shrunk toward
    the NPS of the group it belongs to, so that a few lucky answers do not top the table, and a
    rank among the members of the group with enough responses. -#}

{#- The NPS of a member (its promoters, detractors and NPS responses n) shrunk toward its group's
    NPS (the group's promoters P, detractors D and NPS responses N) with the weight k of var
    cx_shrinkage_k: (n NPS + k group NPS) / (n + k) = 100 (N (p - d) + k (P - D)) / (N (n + k)),
    an exact ratio of integers rounded half away from zero to two decimals (cx_rounded_ratio),
    as numeric(5, 2); null when the member has no NPS response (nothing to shrink). -#}
{% macro cx_shrunk_nps(promoters, detractors, responses, group_promoters, group_detractors, group_responses) -%}
    {%- set k = cx_shrinkage_k() -%}
    {%- set numerator -%}
        (cast({{ group_responses }} as bigint) * (cast({{ promoters }} as bigint) - cast({{ detractors }} as bigint))
            + {{ k }} * (cast({{ group_promoters }} as bigint) - cast({{ group_detractors }} as bigint)))
    {%- endset -%}
    {%- set denominator -%}
        (case
            when {{ responses }} > 0
                then cast({{ group_responses }} as bigint) * (cast({{ responses }} as bigint) + {{ k }})
            else 0
        end)
    {%- endset -%}
    {{ cx_rounded_ratio(numerator, denominator, 100) }}
{%- endmacro %}

{#- The rank of a row by `score` (highest first) among the rows of its `partition` (a list of
    columns) whose `is_below` flag is false, as an integer: competition ranking (1, 2, 2, 4), so
    rows with the same published score share the best rank and the next rank skips; null for a
    row below the minimum. -#}
{% macro cx_rank_when_enough(score, is_below, partition) -%}
    case
        when not {{ is_below }} then cast(rank() over (
            partition by {{ partition | join(', ') }}, {{ is_below }}
            order by {{ score }} desc
        ) as integer)
    end
{%- endmacro %}

{#- How many rows of the `partition` (a list of columns) have enough responses (`is_below`
    false): the field a rank is out of, as a bigint. -#}
{% macro cx_ranked_count(is_below, partition) -%}
    cast(sum(case when {{ is_below }} then 0 else 1 end) over (
        partition by {{ partition | join(', ') }}
    ) as bigint)
{%- endmacro %}
