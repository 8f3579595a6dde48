"""Feeds: the landing config (``landing.yml``), the oracle's own table of presets, and the
implicit feed ``default`` of ``NPS_RAW_RESPONSES``.

README, "Landing config (`landing.yml`)" and "Presets". A feed says where a set of files is
and how it is written; the oracle reads it with ``yaml.safe_load`` and nothing of the loader.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from nps_warehouse.contract import PROGRAMME_SOURCES, SOURCE_CONTRACTS
from nps_warehouse.oracle.errors import LandingConfigError
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS, check_formats, time_zone

DEFAULT_FEED_NAME = "default"

#: The responses read when ``NPS_RAW_RESPONSES`` is unset: the demo data, whose sub-folders hold
#: the other sources (``data/demo/customers``, ...).
DEMO_RAW_SPEC = "data/demo"
RESPONSES_ENVIRONMENT = "NPS_RAW_RESPONSES"

#: The presets, as the README's "Presets" table describes them.
PRESETS: dict[str, dict[str, Any]] = {
    "qualtrics": {
        "header_rows": 3,
        "delimiter": ",",
        "encoding": "utf-8",
        "columns": {
            "response_id": "ResponseId",
            "submitted_at": "RecordedDate",
            "channel": "DistributionChannel",
            "language": "UserLanguage",
            "customer_id": "ExternalReference",
            "response_type": "Status",
            "finished": "Finished",
        },
    },
    "delighted": {
        "header_rows": 1,
        "delimiter": ",",
        "encoding": "utf-8",
        "columns": {
            "response_id": "Response ID",
            "submitted_at": "Created At",
            "score": "Score",
            "comment": "Comment",
            "channel": "Delighted Source",
        },
    },
    "excel_fr": {
        "delimiter": ";",
        "encoding": "cp1252",
        "header_rows": 1,
        "decimal_mark": ",",
        "timestamp_format": ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"],
        "timezone": "Europe/Paris",
    },
}

#: The preset whose exports name the zone of their dates in the last header row.
ZONE_FROM_EXPORT_PRESET = "qualtrics"

ENCODINGS = ("utf-8", "cp1252", "latin-1", "utf-16")
DELIMITERS = (",", ";", "\t", "|")
DECIMAL_MARKS = (".", ",")

_FEED_KEYS = (
    "name",
    "source",
    "path",
    "preset",
    "delimiter",
    "encoding",
    "header_rows",
    "decimal_mark",
    "timestamp_format",
    "timezone",
    "columns",
    "constants",
)
_REQUIRED_KEYS = ("name", "source", "path")
_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Feed:
    """One feed: a set of landing files written the same way."""

    name: str
    #: the path that finds the feed's files (for a config feed, joined with the config's folder)
    path: str
    source: str = "responses"
    preset: str | None = None
    #: None: ``,``, or a tab for ``.tsv`` / ``.tsv.gz`` files
    delimiter: str | None = None
    encoding: str = "utf-8"
    header_rows: int = 1
    decimal_mark: str = "."
    timestamp_formats: tuple[str, ...] = DEFAULT_FORMATS
    #: the zone of timestamps without an offset; None: the export's (qualtrics), else UTC
    timezone: str | None = None
    #: contract column -> header mapped by the preset or the feed (None: no such column)
    columns: Mapping[str, str | None] = field(default_factory=dict)
    #: the contract columns the feed's own ``columns`` maps (a missing header is an error)
    own_columns: frozenset[str] = frozenset()
    #: contract column -> the value of every row (None: null)
    constants: Mapping[str, str | None] = field(default_factory=dict)
    #: the implicit feed of ``NPS_RAW_RESPONSES`` (no landing config)
    implicit: bool = False

    @property
    def zone_from_export(self) -> bool:
        """Whether the zone of naive timestamps is the one each export names."""
        return self.timezone is None and self.preset == ZONE_FROM_EXPORT_PRESET

    @property
    def preset_columns(self) -> Mapping[str, str]:
        """The columns the feed's preset maps."""
        return PRESETS[self.preset].get("columns", {}) if self.preset else {}

    def header_of(self, column: str) -> str | None:
        """The header ``column`` is read from (None: the export has no such column)."""
        return self.columns.get(column, column)


def implicit_feed(raw_spec: str) -> Feed:
    """The feed ``default``: the files of ``raw_spec``, written as the contract describes."""
    return Feed(name=DEFAULT_FEED_NAME, path=raw_spec, implicit=True)


def source_environment(source: str) -> str:
    """The variable naming the files of ``source`` without a landing config (NPS_RAW_CUSTOMERS)."""
    return f"NPS_RAW_{source.upper()}"


def implicit_source_paths(raw_spec: str | None, sources: Mapping[str, str] | None = None) -> dict[str, str]:
    """The path of each source other than responses without a landing config.

    ``sources`` given: exactly those paths (a source it leaves out has no file). Else, for each
    source, ``NPS_RAW_<SOURCE>`` when set (and not blank); else, when the responses are the
    demo's (``NPS_RAW_RESPONSES`` unset and ``raw_spec`` is ``data/demo``), the demo's folder of
    the source (``data/demo/customers``); else none.
    """
    if sources is not None:
        strays = sorted(set(sources) - set(PROGRAMME_SOURCES))
        if strays:
            raise ValueError(f"not a source besides responses: {', '.join(strays)}")
        return {source: sources[source] for source in PROGRAMME_SOURCES if sources.get(source)}
    demo = os.environ.get(RESPONSES_ENVIRONMENT) is None and raw_spec == DEMO_RAW_SPEC
    paths: dict[str, str] = {}
    for source in PROGRAMME_SOURCES:
        path = os.environ.get(source_environment(source), "").strip()
        if not path and demo:
            path = f"{DEMO_RAW_SPEC}/{source}"
        if path:
            paths[source] = path
    return paths


def implicit_feeds(raw_spec: str, sources: Mapping[str, str] | None = None) -> list[Feed]:
    """The feeds without a landing config: ``default`` of ``raw_spec`` (the responses), and one
    feed per other source with a path (:func:`implicit_source_paths`), named after the source."""
    feeds = [implicit_feed(raw_spec)]
    for source, path in implicit_source_paths(raw_spec, sources).items():
        feeds.append(Feed(name=source, path=path, source=source))
    return feeds


def load_landing_config(config_path: str | os.PathLike[str]) -> list[Feed]:
    """The feeds of the landing config at ``config_path``; a config error raises."""
    config_path = os.fspath(config_path)
    with open(config_path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    where = f"landing config {config_path!r}"
    if not isinstance(document, dict):
        raise LandingConfigError(f"{where}: a mapping with the key 'feeds' is expected")
    unknown = sorted(str(key) for key in document if key != "feeds")
    if unknown:
        raise LandingConfigError(f"{where}: unknown top-level key(s): {', '.join(unknown)}")
    entries = document.get("feeds")
    if not isinstance(entries, list) or not entries:
        raise LandingConfigError(f"{where}: 'feeds' must be a non-empty list")
    folder = os.path.dirname(config_path)
    feeds: list[Feed] = []
    for index, entry in enumerate(entries, start=1):
        feed = _feed(entry, folder, f"{where}, feed {index}")
        if any(other.name == feed.name for other in feeds):
            raise LandingConfigError(f"{where}: feed name {feed.name!r} is used twice")
        feeds.append(feed)
    return feeds


def _feed(entry: Any, folder: str, where: str) -> Feed:
    if not isinstance(entry, dict):
        raise LandingConfigError(f"{where}: a feed is a mapping")
    unknown = sorted(str(key) for key in entry if key not in _FEED_KEYS)
    if unknown:
        raise LandingConfigError(f"{where}: unknown key(s): {', '.join(unknown)}")
    for key in _REQUIRED_KEYS:
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise LandingConfigError(f"{where}: '{key}' is required (text)")
    name = entry["name"]
    where = f"{where} ({name!r})"
    if not _NAME.fullmatch(name):
        raise LandingConfigError(f"{where}: 'name' may hold letters, digits, '_' and '-' only")
    if entry["source"] not in SOURCE_CONTRACTS:
        raise LandingConfigError(f"{where}: unknown source {entry['source']!r}")
    preset = entry.get("preset")
    if preset is not None and preset not in PRESETS:
        raise LandingConfigError(f"{where}: unknown preset {preset!r}")
    settings = {**(PRESETS[preset] if preset else {}), **entry}

    contract_columns = SOURCE_CONTRACTS[entry["source"]].columns
    own_columns = _mapping(entry.get("columns"), where, "columns", contract_columns)
    constants = _mapping(entry.get("constants"), where, "constants", contract_columns)
    both = sorted(set(own_columns) & set(constants))
    if both:
        raise LandingConfigError(f"{where}: column(s) both mapped and constant: {', '.join(both)}")
    preset_columns = PRESETS[preset].get("columns", {}) if preset else {}
    columns = {**preset_columns, **own_columns}
    for column in constants:  # a constant replaces the preset's header
        columns.pop(column, None)

    delimiter = settings.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        raise LandingConfigError(f"{where}: unknown delimiter {delimiter!r}")
    encoding = settings.get("encoding", "utf-8")
    if encoding not in ENCODINGS:
        raise LandingConfigError(f"{where}: unknown encoding {encoding!r}")
    header_rows = settings.get("header_rows", 1)
    if isinstance(header_rows, bool) or not isinstance(header_rows, int) or header_rows < 1:
        raise LandingConfigError(f"{where}: 'header_rows' must be a whole number, 1 or more")
    decimal_mark = settings.get("decimal_mark", ".")
    if decimal_mark not in DECIMAL_MARKS:
        raise LandingConfigError(f"{where}: unknown decimal_mark {decimal_mark!r}")
    formats = settings.get("timestamp_format", list(DEFAULT_FORMATS))
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not formats or not all(isinstance(f, str) for f in formats):
        raise LandingConfigError(f"{where}: 'timestamp_format' is a format or a list of formats")
    try:
        check_formats(formats)
    except LandingConfigError as error:
        raise LandingConfigError(f"{where}: {error}") from error
    timezone = settings.get("timezone")
    if timezone is not None:
        if not isinstance(timezone, str):
            raise LandingConfigError(f"{where}: 'timezone' is an IANA zone name")
        try:
            time_zone(timezone)
        except LandingConfigError as error:
            raise LandingConfigError(f"{where}: {error}") from error

    return Feed(
        name=name,
        path=_feed_path(folder, entry["path"]),
        source=entry["source"],
        preset=preset,
        delimiter=delimiter,
        encoding=encoding,
        header_rows=header_rows,
        decimal_mark=decimal_mark,
        timestamp_formats=tuple(formats),
        timezone=timezone,
        columns=columns,
        own_columns=frozenset(own_columns),
        constants=constants,
    )


def _feed_path(folder: str, path: str) -> str:
    """The feed's path as its files' ``source_file`` spells it."""
    if folder in ("", ".") or os.path.isabs(path):
        return path
    return os.path.join(folder, path)


def _mapping(value: Any, where: str, key: str, columns: tuple[str, ...]) -> dict[str, str | None]:
    """``columns`` or ``constants``: contract column -> text (None for null or empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LandingConfigError(f"{where}: '{key}' is a mapping of contract columns")
    mapping: dict[str, str | None] = {}
    for column, item in value.items():
        if column not in columns:
            raise LandingConfigError(f"{where}: '{key}' names {column!r}, not a contract column")
        mapping[column] = _scalar_text(item, f"{where}: {key}.{column}")
    return mapping


def _scalar_text(value: Any, where: str) -> str | None:
    """A YAML scalar as text (``true`` -> ``'true'``, ``9`` -> ``'9'``); None and ``''`` -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | date | datetime):
        return str(value)
    raise LandingConfigError(f"{where}: a single value is expected, not {value!r}")
