{#- The audit status of a raw row of one of the programme's other sources: rejected when a rule
    rejected it, accepted when it is the latest row of its key, superseded otherwise. One
    definition for the six audit views and the build's landing summary. -#}
{% macro cx_source_row_status(rejection_reason, is_latest_row) -%}
    case
        when {{ rejection_reason }} is not null then {{ nps_literal('status', 'rejected') }}
        when {{ is_latest_row }} then {{ nps_literal('status', 'accepted') }}
        else {{ nps_literal('status', 'superseded') }}
    end
{%- endmacro %}
