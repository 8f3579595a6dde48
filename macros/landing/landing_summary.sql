{#- on-run-end: the build's landing summary. One line per landing file this build staged (and
    per file loaded with no data row), with its rows read, accepted, rejected (by reason) and
    superseded, then a total; then warnings: files missing contract columns, files with a header
    but no row, a build that accepted no response, a load the rejected-share gate flagged (its
    share, its top reasons, where to look). Statuses are those after this build: a row of an
    earlier file that a file of this build replaced is counted with its own file. -#}
{% macro nps_landing_summary(results) -%}
    {%- if not execute or flags.WHICH not in ['build', 'run'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statuses = {} -%}
    {%- for result in results -%}
        {%- do statuses.update({result.node.name: result.status | string}) -%}
    {%- endfor -%}
    {%- set staged_status = statuses.get('stg_nps_survey__responses') -%}
    {%- if staged_status is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- if staged_status != 'success' -%}
        {%- do exceptions.warn('Landing summary: staging did not build (' ~ staged_status ~ '): no landing row was staged by this build.') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set staging = nps_staging_relation() -%}
    {%- set loads = nps_raw_relation('landing_file_loads') -%}
    {%- set published = statuses.get('fct_nps_responses') == 'success'
        and statuses.get('rpt_response_audit') == 'success' -%}
    {%- set reasons = nps_rejection_reasons() -%}
    {%- set this_build = nps_load_timestamp() -%}

    {#- the loads this build staged, and the ones above the previous build's latest load that
        had no row to stage (header only) -#}
    {%- set previous = run_query(
        'select max(load_id) from ' ~ staging ~ ' where loaded_at < ' ~ this_build
    ).columns[0].values()[0] -%}
    {%- set summary_sql -%}
        with

        {% if published -%}
        -- the statuses of this build's rows, as the audit decides them
        statused as (
            select load_id, reason as rejection_reason, status
            from {{ nps_model_relation('rpt_response_audit') }}
            where loaded_at = {{ this_build }}
        ),
        {%- else -%}
        -- the marts were not published: a valid row is pending
        statused as (
            select
                load_id,
                rejection_reason,
                case
                    when rejection_reason is not null then {{ nps_literal('status', 'rejected') }}
                    else {{ nps_literal('status', 'pending') }}
                end as status
            from {{ staging }}
            where loaded_at = {{ this_build }}
        ),
        {%- endif %}

        per_load as (
            select
                load_id,
                {%- for status in ['accepted', 'rejected', 'superseded', 'pending'] %}
                sum(case when status = {{ nps_literal('status', status) }} then 1 else 0 end) as {{ status }},
                {%- endfor %}
                {%- for reason in reasons %}
                sum(case when rejection_reason = {{ nps_literal('reason', reason) }} then 1 else 0 end) as {{ reason }},
                {%- endfor %}
                count(*) as rows_staged
            from statused
            group by load_id
        )

        select
            file_loads.feed_name,
            file_loads.source_file,
            file_loads.rows_read,
            coalesce(per_load.accepted, 0),
            coalesce(per_load.rejected, 0),
            coalesce(per_load.superseded, 0),
            coalesce(per_load.pending, 0),
            {%- for reason in reasons %}
            coalesce(per_load.{{ reason }}, 0),
            {%- endfor %}
            coalesce(file_loads.missing_columns, '')
        from {{ loads }} as file_loads
        left join per_load
            on file_loads.load_id = per_load.load_id
        where per_load.load_id is not null
            or (file_loads.rows_read = 0 and file_loads.load_id > {{ previous | int if previous is not none else 0 }})
        order by file_loads.load_id
    {%- endset -%}
    {%- set rows = run_query(summary_sql).rows -%}

    {%- set totals = namespace(read=0, accepted=0, rejected=0, superseded=0, pending=0) -%}
    {%- set lines = [] -%}
    {%- set warnings = [] -%}
    {%- for row in rows -%}
        {%- set by_reason = [] -%}
        {%- for reason in reasons -%}
            {%- if row[7 + loop.index0] | int > 0 -%}
                {%- do by_reason.append(reason ~ ' ' ~ (row[7 + loop.index0] | int)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set line -%}
            {{ row[0] }} {{ row[1] }}: read {{ row[2] | int }}, accepted {{ row[3] | int }}, rejected {{ row[4] | int }}
            {%- if by_reason %} ({{ by_reason | join(', ') }}){% endif %}, superseded {{ row[5] | int }}
            {%- if row[6] | int > 0 %}, pending {{ row[6] | int }} (valid, not published by this build){% endif %}
        {%- endset -%}
        {%- do lines.append(line) -%}
        {%- set totals.read = totals.read + row[2] | int -%}
        {%- set totals.accepted = totals.accepted + row[3] | int -%}
        {%- set totals.rejected = totals.rejected + row[4] | int -%}
        {%- set totals.superseded = totals.superseded + row[5] | int -%}
        {%- set totals.pending = totals.pending + row[6] | int -%}
        {%- set missing = row[7 + reasons | length] -%}
        {%- if missing -%}
            {%- do warnings.append(
                row[1] ~ ' (feed ' ~ row[0] ~ ') has no column for ' ~ missing.split(',') | join(', ')
                ~ ': null in every row of it (unknown where the rules say so); map them in the'
                ~ " feed's `columns:` if the export has them under another name."
            ) -%}
        {%- endif -%}
        {%- if row[2] | int == 0 -%}
            {%- do warnings.append(row[1] ~ ' (feed ' ~ row[0] ~ ') has a header but no data row.') -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if lines -%}
        {%- do log('Landing summary of this build (' ~ lines | length ~ ' file(s)):', info=true) -%}
        {%- for line in lines -%}
            {%- do log('  ' ~ line, info=true) -%}
        {%- endfor -%}
        {%- do log(
            '  total: read ' ~ totals.read ~ ', accepted ' ~ totals.accepted ~ ', rejected ' ~ totals.rejected
            ~ ', superseded ' ~ totals.superseded ~ (', pending ' ~ totals.pending if totals.pending else ''),
            info=true
        ) -%}
    {%- else -%}
        {%- do log('Landing summary of this build: no new landing file.', info=true) -%}
    {%- endif -%}

    {%- if lines and totals.accepted == 0 and published -%}
        {%- do warnings.append(
            'This build read ' ~ totals.read ~ ' row(s) from ' ~ lines | length ~ ' file(s) and accepted none of them.'
        ) -%}
    {%- endif -%}
    {%- if published -%}
        {%- set accepted_in_all = run_query('select count(*) from ' ~ nps_model_relation('fct_nps_responses')).columns[0].values()[0] -%}
        {%- if accepted_in_all | int == 0 -%}
            {%- do warnings.append(
                'The warehouse holds no accepted response: the marts are empty. Check that the'
                ~ ' landing folders hold the exports (an empty folder, or only files with a header'
                ~ ' and no row?) and see audit.rpt_load_history and audit.rpt_rejected_rows.'
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {%- do nps_programme_landing_summary(statuses, this_build) -%}
    {%- set gate = statuses.get('assert_rejected_share_within_limits') -%}
    {%- if gate in ['fail', 'warn'] -%}
        {%- do warnings.extend(nps_rejected_loads_report(staging, gate)) -%}
    {%- endif -%}
    {%- for warning in warnings -%}
        {%- do exceptions.warn('Landing: ' ~ warning) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}

{#- One line per load whose rejected share is above var nps_rejected_share_warn_pct: its share,
    its files, its top reasons, and the query that shows its rows. -#}
{% macro nps_rejected_loads_report(staging, gate) -%}
    {%- set reasons = nps_rejection_reasons() -%}
    {%- set excluded = "rejection_reason in (" ~ nps_literal_list(nps_exclusion_reasons()) ~ ")" -%}
    {%- set report_sql -%}
        select
            {{ cast_to_text('loaded_at') }},
            sum(case when {{ excluded }} then 0 else 1 end),
            sum(case when rejection_reason is not null and not {{ excluded }} then 1 else 0 end),
            {%- for reason in reasons %}
            sum(case when rejection_reason = {{ nps_literal('reason', reason) }} then 1 else 0 end),
            {%- endfor %}
            count(distinct source_file)
        from {{ staging }}
        group by loaded_at
        having 100 * sum(case when rejection_reason is not null and not {{ excluded }} then 1 else 0 end)
            > {{ var('nps_rejected_share_warn_pct') }} * sum(case when {{ excluded }} then 0 else 1 end)
        order by 1
    {%- endset -%}
    {%- set lines = [] -%}
    {%- for row in run_query(report_sql).rows -%}
        {%- set counted = [] -%}
        {%- for reason in reasons -%}
            {%- if row[3 + loop.index0] | int > 0 and reason not in nps_exclusion_reasons() -%}
                {%- do counted.append((row[3 + loop.index0] | int, reason)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set top = [] -%}
        {%- for count, reason in (counted | sort(reverse=true))[:3] -%}
            {%- do top.append(reason ~ ' ' ~ count) -%}
        {%- endfor -%}
        {%- set share = (100.0 * (row[2] | int) / (row[1] | int)) | round(1) -%}
        {%- set files = run_query(
            'select distinct source_file from ' ~ staging ~ " where loaded_at = cast('" ~ row[0] ~ "' as timestamp) order by 1"
        ).columns[0].values() -%}
        {%- do lines.append(
            ('the build stopped: ' if gate == 'fail' else '') ~ share ~ ' % of the ' ~ (row[1] | int)
            ~ ' rows staged at ' ~ row[0] ~ ' UTC were rejected (previews, tests and unfinished responses aside; limits: warn above '
            ~ var('nps_rejected_share_warn_pct') ~ ' %, fail above ' ~ var('nps_rejected_share_error_pct')
            ~ ' %), from ' ~ (files[:5] | join(', ')) ~ (' and ' ~ (files | length - 5) ~ ' more' if files | length > 5 else '')
            ~ '. Top reasons: ' ~ top | join(', ') ~ ". See the rows: select * from audit.rpt_rejected_rows where loaded_at = '"
            ~ row[0] ~ "'; fix the feed's settings or the export, then rebuild with --full-refresh."
        ) -%}
    {%- endfor -%}
    {{ return(lines) }}
{%- endmacro %}

{#- The summary's lines for the programme's other sources (customers, agents, interactions,
    invitations, agent engagement): one per file this build staged, with its rows read,
    accepted, rejected (by reason) and superseded. The statuses are the audit's
    (cx_source_row_status), counted from the staged rows and their ranking: the audit view also
    joins every row's raw values, which at 10M responses made this summary take 26 s. -#}
{% macro nps_programme_landing_summary(statuses, this_build) -%}
    {%- for source, reasons in cx_source_rejection_reasons().items() -%}
        {%- set audit = cx_source_audits()[source] -%}
        {%- set staged, ranked = cx_source_row_models()[source] -%}
        {%- if statuses.get(audit) == 'success' -%}
            {%- set summary_sql -%}
                with

                statused as (
                    select
                        staged.feed_name,
                        staged.source_file,
                        staged.rejection_reason,
                        {{ cx_source_row_status('staged.rejection_reason', 'ranked.is_latest_row') }} as status
                    from {{ nps_model_relation(staged) }} as staged
                    left join {{ nps_model_relation(ranked) }} as ranked
                        on
                            staged.source_file = ranked.source_file
                            and staged.source_row_number = ranked.source_row_number
                    where staged.loaded_at = {{ this_build }}
                )

                select
                    feed_name,
                    source_file,
                    count(*),
                    {%- for status in ['accepted', 'rejected', 'superseded'] %}
                    sum(case when status = {{ nps_literal('status', status) }} then 1 else 0 end),
                    {%- endfor %}
                    {%- for reason in reasons %}
                    sum(case when rejection_reason = {{ nps_literal('source_reason', reason) }} then 1 else 0 end){{ ',' if not loop.last }}
                    {%- endfor %}
                from statused
                group by feed_name, source_file
                order by source_file
            {%- endset -%}
            {%- set rows = run_query(summary_sql).rows -%}
            {%- if rows -%}
                {%- do log('Landing summary of this build, ' ~ source ~ ' (' ~ rows | length ~ ' file(s)):', info=true) -%}
            {%- endif -%}
            {%- for row in rows -%}
                {%- set by_reason = [] -%}
                {%- for reason in reasons -%}
                    {%- if row[6 + loop.index0] | int > 0 -%}
                        {%- do by_reason.append(reason ~ ' ' ~ (row[6 + loop.index0] | int)) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do log(
                    '  ' ~ row[0] ~ ' ' ~ row[1] ~ ': read ' ~ (row[2] | int) ~ ', accepted ' ~ (row[3] | int)
                    ~ ', rejected ' ~ (row[4] | int) ~ (' (' ~ by_reason | join(', ') ~ ')' if by_reason else '')
                    ~ ', superseded ' ~ (row[5] | int),
                    info=true
                ) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
