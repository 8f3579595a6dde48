{#- Timestamps in the formats a feed names (`timestamp_format` of the landing config, such as
    "%d/%m/%Y %H:%M" for a French Excel export). Each format becomes a regular expression whose
    groups are the date's parts; a text matching it is rewritten as the ISO-8601 text
    parse_iso8601_utc reads, which then checks the values (a real day, hours 0-23, ...) and
    places the time in the row's time zone. Formats are tried in order: the first whose shape
    matches the text decides (its values must then be valid, else the row is rejected); the
    keyword iso8601 stands for the ISO-8601 rules. -#}

{#- The directives of a format and the pattern each one matches (no capturing group inside). -#}
{% macro nps_timestamp_directive_patterns() -%}
    {{ return({
        'Y': '([0-9]{4})',
        'm': '([0-9]{1,2})',
        'd': '([0-9]{1,2})',
        'H': '([0-9]{1,2})',
        'I': '([0-9]{1,2})',
        'M': '([0-9]{1,2})',
        'S': '([0-9]{1,2})',
        'f': '([0-9]{1,6})',
        'p': '([AaPp][Mm])',
        'z': '(Z|[+-][0-9]{2}(?::?[0-9]{2})?)',
    }) }}
{%- endmacro %}

{#- {'pattern': the format's regular expression, 'groups': {directive: group number}}. The
    loader has already refused any other directive or character. -#}
{% macro nps_timestamp_format_parts(format) -%}
    {%- set patterns = nps_timestamp_directive_patterns() -%}
    {%- set state = namespace(pattern='', group=0, skip=false) -%}
    {%- set groups = {} -%}
    {%- for position in range(format | length) -%}
        {%- set character = format[position] -%}
        {%- if state.skip -%}
            {%- set state.skip = false -%}
        {%- elif character == '%' and position + 1 < format | length and format[position + 1] in patterns -%}
            {%- set directive = format[position + 1] -%}
            {%- set state.group = state.group + 1 -%}
            {%- do groups.update({directive: state.group}) -%}
            {%- set state.pattern = state.pattern ~ patterns[directive] -%}
            {%- set state.skip = true -%}
        {%- elif character == '.' -%}
            {%- set state.pattern = state.pattern ~ '[.]' -%}
        {%- elif character in "'\\%" -%}
            {{ exceptions.raise_compiler_error("timestamp format '" ~ format ~ "' holds the unsupported character " ~ character) }}
        {%- else -%}
            {%- set state.pattern = state.pattern ~ character -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'pattern': state.pattern, 'groups': groups}) }}
{%- endmacro %}

{#- The ISO-8601 text 'YYYY-MM-DD HH:MM:SS[.f][offset]' of `text` read with `format`, or null
    when its shape does not match. -#}
{% macro nps_timestamp_format_to_iso(text, format) -%}
    {%- set parts = nps_timestamp_format_parts(format) -%}
    {%- set groups = parts.groups -%}
    {%- set value = {} -%}
    {%- for directive, group in groups.items() -%}
        {%- do value.update({directive: regexp_extract_group(text, '^' ~ parts.pattern ~ '$', group)}) -%}
    {%- endfor -%}
    {%- set padded = {} -%}
    {%- for directive in ['m', 'd', 'H', 'M', 'S'] -%}
        {%- do padded.update({directive: "lpad(" ~ value[directive] ~ ", 2, '0')" if directive in value else "'00'"}) -%}
    {%- endfor -%}
    {%- if 'I' in value -%}
        {#- 12-hour clock: 12 AM is 0, 12 PM is 12; an hour outside 1-12 becomes 99, which the
            ISO rules reject. -#}
        {%- set hour_number = 'cast(' ~ value['I'] ~ ' as integer)' -%}
        {%- set hour = "lpad(" ~ cast_to_text(
            "case when " ~ hour_number ~ " between 1 and 12 then " ~ hour_number ~ " % 12"
            ~ " + (case when upper(" ~ value['p'] ~ ") = 'PM' then 12 else 0 end) else 99 end"
        ) ~ ", 2, '0')" -%}
    {%- else -%}
        {%- set hour = padded['H'] -%}
    {%- endif -%}
    case
        when {{ regexp_full_match(text, parts.pattern) }} then
            {{ value['Y'] }} || '-' || {{ padded['m'] }} || '-' || {{ padded['d'] }}
            || ' ' || {{ hour }} || ':' || {{ padded['M'] }} || ':' || {{ padded['S'] }}
            {%- if 'f' in value %} || '.' || {{ value['f'] }}{% endif %}
            {%- if 'z' in value %} || {{ value['z'] }}{% endif %}
    end
{%- endmacro %}

{#- The submitted_at text of a row as ISO-8601: for the feeds that name timestamp formats, the
    first format whose shape matches the text decides; the other feeds' texts are ISO-8601
    already. `feeds` comes from nps_landing_feed_settings(). -#}
{% macro nps_timestamp_text_by_feed(text, feed_column, feeds) -%}
    {%- set custom = feeds | selectattr('timestamp_formats', 'ne', ['iso8601']) | list -%}
    {%- if not custom -%}
        {{ return(text) }}
    {%- endif -%}
    case
        {%- for feed in custom %}
        when {{ feed_column }} = '{{ feed.feed_name }}' then
            {%- if feed.timestamp_formats | length == 1 and feed.timestamp_formats[0] != 'iso8601' %}
            {{ nps_timestamp_format_to_iso(text, feed.timestamp_formats[0]) }}
            {%- else %}
            case
                {%- for format in feed.timestamp_formats %}
                {%- if format == 'iso8601' %}
                when {{ regexp_full_match(text, nps_iso8601_pattern()) }} then {{ text }}
                {%- else %}
                when {{ regexp_full_match(text, nps_timestamp_format_parts(format).pattern) }}
                    then {{ nps_timestamp_format_to_iso(text, format) }}
                {%- endif %}
                {%- endfor %}
            end
            {%- endif %}
        {%- endfor %}
        else {{ text }}
    end
{%- endmacro %}

{#- A metric of a row (score, csat_score or ces_score), read with the decimal mark of its feed:
    a feed whose decimal mark is "," accepts 9,0 (and refuses 9.0, which a "." feed accepts). -#}
{% macro nps_score_by_feed(text, feed_column, feeds, metric='score') -%}
    {%- set comma_feeds = feeds | selectattr('decimal_mark', 'eq', ',') | map(attribute='feed_name') | list -%}
    {%- if not comma_feeds -%}
        {{ return(parse_score(text, metric)) }}
    {%- endif -%}
    case
        when {{ feed_column }} in ('{{ comma_feeds | join("', '") }}') then {{ parse_score(text, metric, ',') }}
        else {{ parse_score(text, metric) }}
    end
{%- endmacro %}
