{#- ------------------------------------------------------------------------------------------
    The comment models read each comment once. A comment belongs to a published response
    (fct_nps_responses), and only a new winning submission changes it, which gives the
    response a later loaded_at. Each incremental comment model (int_comment_clauses,
    int_comment_tokens, int_comment_languages, int_comment_clause_sentiment,
    int_comment_theme_mentions, int_comment_terms) keeps the loaded_at of the response each
    row comes from, and a run re-reads only the responses published after the latest
    loaded_at it holds (its watermark): a pre-hook deletes their rows (a new comment may be empty, or have fewer
    clauses), the model's select recomputes them. Both read the watermark once, before the
    table changes, as a literal.

    The comment marts fct_comment_insights and fct_comment_themes are kept the same way, by
    response: their rows carry the response's loaded_at and the fingerprint of the references
    they read, and the sentiment labels the vars give are checked on every run.

    The models that read a reference seed (stop words, sentiment lexicon and phrases, theme
    patterns) also keep on every row the fingerprint of that reference
    (int_comment_reference_fingerprints, rebuilt on every run): when a CX team edits the seed,
    the fingerprint differs and the run re-reads every comment, so an extended taxonomy
    applies to the whole history as it did when these models were tables.

    Spark, which cannot delete rows from a Parquet table, builds them as tables
    (nps_delete_insert_materialization).
------------------------------------------------------------------------------------------- -#}

{#- SQL select of one row: the MD5 of the rows of `relation` (each row's columns as text; the
    count and the sorted distinct rows), computed by the engine. Reads the relation's columns,
    so only meaningful when executing. -#}
{% macro cx_relation_fingerprint(relation) -%}
    {%- set row_text = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) | map(attribute='name') | sort -%}
            {%- do row_text.append("coalesce(" ~ cast_to_text(adapter.quote(column)) ~ ", '<null>')") -%}
        {%- endfor -%}
    {%- endif -%}
    select md5(
        {{ cast_to_text('count(*)') }} || ':'
        || coalesce({{ sorted_text_list_agg(row_text | join(" || '|' || ") if row_text else "''") }}, '')
    ) as relation_md5
    from {{ relation }}
{%- endmacro %}

{#- The latest loaded_at this comment model holds, read before the run changes the table, as a
    timestamp literal; every response is re-read (a timestamp before any load) when the table
    is empty or, for a model reading the reference `reference` of
    int_comment_reference_fingerprints, when its rows were built with another fingerprint of
    it (a seed was edited), or, for a mart labelling sentiment scores (`labels`, a mapping of
    each label column to its score column), when a row's label is not the one the vars
    cx_sentiment_positive_threshold and cx_sentiment_negative_threshold now give its score
    (the vars changed). Only meaningful in is_incremental(). -#}
{% macro cx_comment_watermark(reference=none, labels=none) -%}
    {%- set before_any_load = "cast('1900-01-01 00:00:00' as timestamp)" -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(before_any_load) }}
    {%- endif -%}
    {%- for label, score in (labels or {}).items() -%}
        {%- set relabelled = run_query(
            "select count(*) from " ~ this ~ " where coalesce(" ~ label ~ ", '') <> coalesce("
            ~ cx_sentiment_label(score) ~ ", '')"
        ).columns[0].values()[0] -%}
        {%- if relabelled | int > 0 -%}
            {%- do log(this ~ ": the sentiment thresholds changed: every comment is read again", info=true) -%}
            {{ return(before_any_load) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if reference is not none -%}
        {%- set changed = run_query(
            "select count(*) from " ~ this ~ " where reference_fingerprint <> ("
            ~ "select fingerprint from " ~ ref('int_comment_reference_fingerprints')
            ~ " where reference = '" ~ reference ~ "')"
        ).columns[0].values()[0] -%}
        {%- if changed | int > 0 -%}
            {%- do log(this ~ ": the reference '" ~ reference ~ "' changed: every comment is read again", info=true) -%}
            {{ return(before_any_load) }}
        {%- endif -%}
    {%- endif -%}
    {%- set latest = run_query(
        'select cast(max(loaded_at) as ' ~ text_type() ~ ') from ' ~ this
    ).columns[0].values()[0] -%}
    {{ return(before_any_load if latest is none else "cast('" ~ latest ~ "' as timestamp)") }}
{%- endmacro %}

{#- A select of the responses whose comment a run must read: every published response on a
    full build, those published after `watermark` on an incremental one. -#}
{% macro cx_comments_to_read(watermark) -%}
    select response_id, loaded_at
    from {{ ref('fct_nps_responses') }}
    {%- if is_incremental() %}
    where loaded_at > {{ watermark }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook of an incremental comment model: deletes the rows of the responses it is about to
    read again (see cx_comments_to_read); nothing on a full build. -#}
{% macro cx_forget_comments_to_read(reference=none, labels=none) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    delete from {{ this }}
    where response_id in (
        select response_id from ({{ cx_comments_to_read(cx_comment_watermark(reference, labels)) }}) as to_read
    )
{%- endmacro %}
