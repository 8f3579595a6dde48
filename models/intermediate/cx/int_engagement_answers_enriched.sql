{#- A table of the accepted eNPS answers with the team of the agent when answering: the
    engagement report counts from it. Materialized so that the report's counts never pass
    through this join (DuckDB's statistics propagation misjudges the columns of a left join whose
    other side is empty - a warehouse without agents - and then folds the NPS's sign tests). -#}
{{ config(materialized='table') }}

with

answers as (

    select * from {{ ref('int_engagement_answer_rows_ranked') }}

),

agent_versions as (

    select * from {{ ref('int_agent_versions') }}

),

accepted_answers as (

    select * from answers
    where is_latest_row

),

-- the agent's team when answering: the version valid at surveyed_at, or the first one when the
-- answer precedes every version (as a response takes its agent's team)
with_team as (

    select
        accepted_answers.source_file,
        accepted_answers.source_row_number,
        accepted_answers.agent_id,
        {{ cast_to_text("coalesce(agent_versions.team, " ~ nps_literal('placeholder', 'unknown') ~ ")") }} as team,
        accepted_answers.enps_score,
        accepted_answers.enps_category,
        accepted_answers.surveyed_date,
        accepted_answers.surveyed_at

    from accepted_answers
    left join agent_versions
        on
            accepted_answers.agent_id = agent_versions.agent_id
            and (accepted_answers.surveyed_at < agent_versions.valid_to or agent_versions.valid_to is null)
            and (accepted_answers.surveyed_at >= agent_versions.valid_from or agent_versions.version_number = 1)

)

select * from with_team
