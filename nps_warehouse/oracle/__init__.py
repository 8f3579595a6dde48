"""Independent oracle of the NPS marts.

This package recomputes, from the landing files (per the landing config's feeds, or the
implicit feed ``default`` of ``NPS_RAW_RESPONSES`` and a feed per other source of
``NPS_RAW_<SOURCE>``) and the seeds, every row of every mart,
following the README sections "Landing contract", "Landing config (`landing.yml`)" and
"Validation and normalisation rules" to the letter. It deliberately shares nothing with the
dbt project or the loader (``nps_warehouse.landing``): no DuckDB, no SQL, only the Python
standard library, pyarrow to read Parquet and PyYAML to read the config. The test harness
compares every cell of the warehouse's marts with the output of :func:`compute_marts`.

One module per job:

* :mod:`.feeds` - the landing config, the presets, the implicit feed;
* :mod:`.files` - finding the files (like DuckDB's ``glob()``) and reading their rows;
* :mod:`.timestamps` - ISO-8601, strftime-like formats, local times in a zone;
* :mod:`.responses` - the rules, the normalisation, the seeds;
* :mod:`.customers`, :mod:`.agents`, :mod:`.interactions`, :mod:`.invitations` - the rules of
  the CX programme's other sources, their dimensions and reports;
* :mod:`.programme` - what those sources share (checking, settling, versions, bands) and the
  attributes of a response at the time it was given;
* :mod:`.intervals` - the statistics: standard errors, intervals, two-sample tests, tests
  against a target, Benjamini-Hochberg q-values, and their settings (:class:`StatsSettings`);
* :mod:`.periods` - the measures of a span of days: by period with its comparisons and
  targets (``fct_cx_by_period``), by rolling window (``fct_cx_rolling``);
* :mod:`.alerts` - the alerts with the false discovery rate controlled (``fct_cx_alerts``);
* :mod:`.personal_data` - the masking of e-mails, IBANs, card numbers and phones in comments;
* :mod:`.comment_text` - how a comment is cut: folding, clauses, tokens;
* :mod:`.lexicons` - the seeds of ``seeds/comments`` (lexicons, phrases, modifiers, stop words,
  themes), by the language a comment reads;
* :mod:`.comments` - how a comment is read: language, sentiment, themes;
* :mod:`.comment_marts` - ``fct_comment_insights``, ``fct_comment_themes`` and the keywords
  (``rpt_comment_keywords``);
* :mod:`.drivers` - what moves the NPS (``rpt_cx_drivers``);
* :mod:`.case_events` - the CRM's case events, checked and settled (``rpt_case_event_audit``);
* :mod:`.followup` - closing the loop: the follow-up cases, the queue, the daily follow-up and
  the events of no case (:class:`FollowupSettings`);
* :mod:`.health` - customer health, its predictive scores (the features and the seed's models of
  :mod:`nps_warehouse.risk_model`, plain Python) and the campaign audiences;
* :mod:`.marts` - the marts.
"""

from __future__ import annotations

from nps_warehouse.contract import MART_COLUMNS, REJECTION_REASONS, RESPONSE_COLUMNS, RESPONSE_RAW_COLUMNS
from nps_warehouse.oracle.comments import CommentSettings, read_comment
from nps_warehouse.oracle.errors import LandingConfigError, LandingError, MissingColumnsError
from nps_warehouse.oracle.feeds import (
    PRESETS,
    Feed,
    implicit_feed,
    implicit_feeds,
    implicit_source_paths,
    load_landing_config,
)
from nps_warehouse.oracle.files import (
    LandingFile,
    RawRow,
    SourceFile,
    SourceRow,
    read_landing_file,
    read_source_file,
    resolve_landing_files,
)
from nps_warehouse.oracle.followup import FollowupSettings
from nps_warehouse.oracle.intervals import StatsSettings
from nps_warehouse.oracle.lexicons import load_lexicons
from nps_warehouse.oracle.marts import compute_extra_columns, compute_marts, landing_files
from nps_warehouse.oracle.personal_data import mask_personal_data
from nps_warehouse.oracle.responses import (
    channel_key,
    load_seeds,
    map_channel,
    nps,
    nps_category,
    parse_score,
    rejection_reason,
    trim,
)
from nps_warehouse.oracle.timestamps import ISO8601, local_to_utc, parse_submitted_at

__all__ = [
    "ISO8601",
    "MART_COLUMNS",
    "PRESETS",
    "REJECTION_REASONS",
    "RESPONSE_COLUMNS",
    "RESPONSE_RAW_COLUMNS",
    "CommentSettings",
    "Feed",
    "FollowupSettings",
    "LandingConfigError",
    "LandingError",
    "LandingFile",
    "MissingColumnsError",
    "RawRow",
    "SourceFile",
    "SourceRow",
    "StatsSettings",
    "channel_key",
    "compute_extra_columns",
    "compute_marts",
    "implicit_feed",
    "implicit_feeds",
    "implicit_source_paths",
    "landing_files",
    "load_landing_config",
    "load_lexicons",
    "load_seeds",
    "local_to_utc",
    "map_channel",
    "mask_personal_data",
    "nps",
    "nps_category",
    "parse_score",
    "parse_submitted_at",
    "read_comment",
    "read_landing_file",
    "read_source_file",
    "rejection_reason",
    "resolve_landing_files",
    "trim",
]
