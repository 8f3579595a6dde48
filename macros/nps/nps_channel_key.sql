{#- The matching key of a channel text or alias: trimmed, lower-cased, accents removed, spaces,
    hyphens and underscores removed ("Site Web", "site-web", "SITE_WEB" -> "siteweb").
    Null for null; empty for text made only of those characters ("--"), which then matches
    no alias. -#}
{% macro nps_channel_key(expr) -%}
    replace(replace(replace(
        {{ strip_accents('lower(' ~ trim_whitespace(expr) ~ ')') }},
        ' ', ''), '-', ''), '_', '')
{%- endmacro %}
