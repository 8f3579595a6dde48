{#- A table rebuilt by every build from fct_agent_performance: a site's month is the sum of its
    agents' rows, so it moves with them when a late workforce extract changes who was where. -#}

with

agent_months as (

    select * from {{ ref('fct_agent_performance') }}

),

{{ cx_group_performance('site', 'rank_among_sites', 'ranked_sites') }}

select * from final
