with

responses as (

    select * from {{ ref('fct_nps_responses') }}

),

invitation_rows as (

    select * from {{ ref('int_invitation_rows_ranked') }}

),

invitations as (

    select * from invitation_rows
    where is_latest_row

),

final as (

    select
        responses.response_id,
        responses.invitation_id,
        responses.response_date,
        responses.feed_name,
        responses.source_file

    from responses
    left join invitations
        on responses.invitation_id = invitations.invitation_id
    where
        responses.invitation_id is not null
        and invitations.invitation_id is null

)

select * from final
