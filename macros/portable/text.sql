{#- Text helpers, per engine. -#}

{#- `expr` without leading and trailing spaces, tabs, carriage returns and line feeds. -#}
{% macro trim_whitespace(expr) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expr) -%}
    btrim({{ expr }}, {{ whitespace_characters() }})
{%- endmacro %}

{#- DuckDB's trim with a character list costs three times its plain trim; most values have
    nothing to trim, so a value whose first and last characters are above the space (none of the
    four) is returned as it is, without the call (a sixth of staging's time on 10M rows). -#}
{% macro duckdb__trim_whitespace(expr) -%}
    (case
        when ascii({{ expr }}) > 32 and ascii(right({{ expr }}, 1)) > 32 then {{ expr }}
        else trim({{ expr }}, {{ whitespace_characters() }})
    end)
{%- endmacro %}

{#- space, tab, carriage return, line feed as one SQL string literal. -#}
{% macro whitespace_characters() -%}
    {{ return(adapter.dispatch('whitespace_characters', 'nps_warehouse')()) }}
{%- endmacro %}

{% macro default__whitespace_characters() -%}
    ' ' || chr(9) || chr(13) || chr(10)
{%- endmacro %}

{#- `expr` with accents removed (é -> e, Ç -> C). -#}
{% macro strip_accents(expr) -%}
    {{ return(adapter.dispatch('strip_accents', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__strip_accents(expr) -%}
    translate(
        {{ expr }},
        'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ',
        'aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY'
    )
{%- endmacro %}

{#- PostgreSQL: decompose (NFD), drop the combining marks (the blocks Latin, Greek and Cyrillic
    accents use), recompose (NFC): the same as DuckDB's strip_accents on those scripts. Needs a
    UTF8 database. -#}
{% macro postgres__strip_accents(expr) -%}
    {%- set marks = [(768, 879), (6832, 6911), (7616, 7679), (8400, 8447), (65056, 65071)] -%}
    normalize(
        regexp_replace(
            normalize({{ expr }}, nfd),
            '[' || {% for first, last in marks -%}
                chr({{ first }}) || '-' || chr({{ last }}) || {% endfor -%} ']',
            '',
            'g'
        ),
        nfc
    )
{%- endmacro %}

{% macro duckdb__strip_accents(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}

{#- Spark has no Unicode normalisation in SQL, so DuckDB's strip_accents (canonical
    decomposition, marks removed) is spelt out for the Latin script: every precomposed letter of
    U+00C0-U+024F and U+1E00-U+1EFF whose decomposition is one base letter plus marks becomes
    that letter, and the combining marks U+0300-U+036F (text already decomposed) are deleted.
    Equal to DuckDB's strip_accents on all of these; accents of other scripts are kept. -#}
{% macro spark__strip_accents(expr) -%}
    {%- set letters = [
        'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöù',
        'úûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮ',
        'įİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭ',
        'ŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪ',
        'ǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧ',
        'ȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣ',
        'ḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓ',
        'ṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃ',
        'ẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸ',
        'ẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨ',
        'ứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ',
    ] | join('') -%}
    {%- set bases = [
        'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooou',
        'uuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiI',
        'iIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUu',
        'UuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkO',
        'oOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAa',
        'EeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHh',
        'HhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOo',
        'PpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWw',
        'WwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaE',
        'eEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuU',
        'uUuUuUuUuYyYyYyYy',
    ] | join('') -%}
    {%- set marks = [
        '\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309',
        '\u030a\u030b\u030c\u030d\u030e\u030f\u0310\u0311\u0312\u0313',
        '\u0314\u0315\u0316\u0317\u0318\u0319\u031a\u031b\u031c\u031d',
        '\u031e\u031f\u0320\u0321\u0322\u0323\u0324\u0325\u0326\u0327',
        '\u0328\u0329\u032a\u032b\u032c\u032d\u032e\u032f\u0330\u0331',
        '\u0332\u0333\u0334\u0335\u0336\u0337\u0338\u0339\u033a\u033b',
        '\u033c\u033d\u033e\u033f\u0340\u0341\u0342\u0343\u0344\u0345',
        '\u0346\u0347\u0348\u0349\u034a\u034b\u034c\u034d\u034e\u034f',
        '\u0350\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359',
        '\u035a\u035b\u035c\u035d\u035e\u035f\u0360\u0361\u0362\u0363',
        '\u0364\u0365\u0366\u0367\u0368\u0369\u036a\u036b\u036c\u036d',
        '\u036e\u036f',
    ] | join('') -%}
    translate({{ expr }}, '{{ letters }}{{ marks }}', '{{ bases }}')
{%- endmacro %}

{#- Whether two values are equal, two nulls being equal. -#}
{% macro null_safe_equal(left, right) -%}
    {{ return(adapter.dispatch('null_safe_equal', 'nps_warehouse')(left, right)) }}
{%- endmacro %}

{% macro default__null_safe_equal(left, right) -%}
    ({{ left }} is not distinct from {{ right }})
{%- endmacro %}

{#- Spark: the null-safe equality operator. -#}
{% macro spark__null_safe_equal(left, right) -%}
    ({{ left }} <=> {{ right }})
{%- endmacro %}

{#- Aggregate: the distinct non-null values of a text expression, sorted, joined by ', '; null
    when there is none. -#}
{% macro sorted_text_list_agg(expr) -%}
    {{ return(adapter.dispatch('sorted_text_list_agg', 'nps_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__sorted_text_list_agg(expr) -%}
    string_agg(distinct {{ expr }}, ', ' order by {{ expr }})
{%- endmacro %}

{#- Spark: collect_set drops nulls; an empty array joins to '', made null. -#}
{% macro spark__sorted_text_list_agg(expr) -%}
    nullif(array_join(array_sort(collect_set({{ expr }})), ', '), '')
{%- endmacro %}
