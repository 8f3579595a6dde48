"""The landing config: which files feed which source, and how each export is written.

``landing.yml`` (in the folder the commands run from, the project root) or the file named by
``NPS_LANDING_CONFIG`` lists **feeds**: each feed is a set of files of one shape (a file, a folder
or a glob, relative to the config file's folder) landing in one source. Without a config file
there is one implicit feed, ``default``: the files of ``NPS_RAW_RESPONSES`` (else ``data/demo``)
written the way the landing contract describes (CSV with a header row, ``,``, UTF-8, ISO-8601
timestamps in UTC, or Parquet).

Every mistake in a config is a :class:`LandingConfigError` naming the config file, the feed and
the key, raised before anything is read or written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nps_warehouse.contract import SOURCE_CONTRACTS
from nps_warehouse.landing.errors import LandingConfigError
from nps_warehouse.landing.presets import PRESETS

CONFIG_FILE_NAME = "landing.yml"
CONFIG_ENVIRONMENT = "NPS_LANDING_CONFIG"
RAW_SPEC_ENVIRONMENT = "NPS_RAW_RESPONSES"
DEFAULT_RAW_SPEC = "data/demo"
DEFAULT_FEED_NAME = "default"

#: The keyword of the ISO-8601 timestamp rules in a ``timestamp_format`` list.
ISO8601 = "iso8601"

FEED_KEYS = (
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
TOP_LEVEL_KEYS = ("feeds",)

#: Encodings a feed may name, and the spellings accepted for each.
ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}
DELIMITERS = (",", ";", "\t", "|")
DECIMAL_MARKS = (".", ",")
_FEED_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
#: strftime directives a timestamp format may use, and what each stands for.
FORMAT_DIRECTIVES = {
    "Y": "year, 4 digits",
    "m": "month, 1 or 2 digits",
    "d": "day, 1 or 2 digits",
    "H": "hour 0-23, 1 or 2 digits",
    "I": "hour 1-12, 1 or 2 digits (with %p)",
    "p": "AM or PM",
    "M": "minute, 1 or 2 digits",
    "S": "second, 1 or 2 digits",
    "f": "fraction of a second, 1 to 6 digits",
    "z": "offset: Z, +HH:MM, +HHMM or +HH",
}
_FORMAT_LITERALS = re.compile(r"[A-Za-z0-9 /:.,_-]")


@dataclass(frozen=True)
class Feed:
    """One feed: a set of files of one shape landing in one source, with every setting resolved
    (the preset's values, overridden by the feed's own keys)."""

    name: str
    source: str
    #: the path as written in the config (or NPS_RAW_RESPONSES)
    path: str
    #: the path the files are looked up with (joined to the config file's folder)
    spec: str
    preset: str | None = None
    #: None: not set (tab for .tsv files, "," for the others)
    delimiter: str | None = None
    encoding: str = "utf-8"
    header_rows: int = 1
    decimal_mark: str = "."
    timestamp_formats: tuple[str, ...] = (ISO8601,)
    #: the IANA zone of timestamps written without an offset; None = not set (UTC, or for
    #: Qualtrics the zone its export names)
    timezone: str | None = None
    #: contract column -> the export's header it is read from (None: the export has none)
    columns: Mapping[str, str | None] = field(default_factory=dict)
    #: contract columns whose header comes from the preset (a missing one is not a config error)
    preset_columns: frozenset[str] = frozenset()
    #: contract column -> one value for every row
    constants: Mapping[str, str] = field(default_factory=dict)
    #: read the zone of naive timestamps from the export's ImportId header row (Qualtrics)
    timezone_from_export: bool = False
    #: the implicit feed of NPS_RAW_RESPONSES (no config file)
    is_default: bool = False
    #: where the feed is defined: the config file, or NPS_RAW_RESPONSES
    origin: str = RAW_SPEC_ENVIRONMENT

    def settings(self) -> dict[str, Any]:
        """Every setting that decides what a file's rows become (the path excepted): a loaded
        file must be read again if one of them changes."""
        return {
            "source": self.source,
            "preset": self.preset,
            "delimiter": self.delimiter,
            "encoding": self.encoding,
            "header_rows": self.header_rows,
            "decimal_mark": self.decimal_mark,
            "timestamp_format": list(self.timestamp_formats),
            "timezone": self.timezone,
            "columns": dict(sorted(self.columns.items())),
            "constants": dict(sorted(self.constants.items())),
        }

    def settings_json(self) -> str:
        return json.dumps(self.settings(), sort_keys=True, ensure_ascii=False)

    def settings_fingerprint(self) -> str:
        return hashlib.sha256(self.settings_json().encode("utf-8")).hexdigest()

    def header_for(self, column: str) -> str | None:
        """The export header a contract column is read from: the mapping, else its own name
        (None when the feed says the export has none)."""
        if column in self.columns:
            return self.columns[column]
        return column

    def describe(self) -> str:
        return f"feed '{self.name}'"


@dataclass(frozen=True)
class LandingConfig:
    feeds: tuple[Feed, ...]
    #: the config file, or None for the implicit feed of NPS_RAW_RESPONSES
    path: Path | None = None

    @property
    def origin(self) -> str:
        return str(self.path) if self.path is not None else f"{RAW_SPEC_ENVIRONMENT} (no {CONFIG_FILE_NAME})"


def find_config_file(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The landing config to use: ``explicit``, else ``$NPS_LANDING_CONFIG``, else
    ``landing.yml`` in the current folder when there is one; None when there is none."""
    if explicit is not None:
        path = Path(explicit)
    elif os.environ.get(CONFIG_ENVIRONMENT, "").strip():
        path = Path(os.environ[CONFIG_ENVIRONMENT].strip())
    else:
        path = Path(CONFIG_FILE_NAME)
        return path if path.is_file() else None
    if not path.is_file():
        raise LandingConfigError(
            f"the landing config {path} does not exist (from {CONFIG_ENVIRONMENT} or --config): "
            f"create it, or unset {CONFIG_ENVIRONMENT} to land {RAW_SPEC_ENVIRONMENT} as it is."
        )
    return path


def default_config(raw_spec: str | None = None) -> LandingConfig:
    """The implicit config without a landing.yml: the feed ``default`` of NPS_RAW_RESPONSES and,
    for each other source, a feed named after it of NPS_RAW_<SOURCE> (see
    :func:`implicit_source_specs`)."""
    given = raw_spec if raw_spec is not None else os.environ.get(RAW_SPEC_ENVIRONMENT)
    spec = (DEFAULT_RAW_SPEC if given is None else given).strip()
    if not spec:
        raise LandingConfigError(f"{RAW_SPEC_ENVIRONMENT} is empty: name a landing file, directory or glob.")
    feeds = [Feed(name=DEFAULT_FEED_NAME, source="responses", path=spec, spec=spec, is_default=True)]
    for source, source_spec in implicit_source_specs(demo=given is None).items():
        feeds.append(Feed(name=source, source=source, path=source_spec, spec=source_spec))
    return LandingConfig(feeds=tuple(feeds), path=None)


def source_environment(source: str) -> str:
    """The variable naming the files of ``source`` without a landing.yml (NPS_RAW_CUSTOMERS ...)."""
    return f"NPS_RAW_{source.upper()}"


def implicit_source_specs(*, demo: bool) -> dict[str, str]:
    """The files of each source but responses without a landing.yml: NPS_RAW_<SOURCE> when set;
    else, with the demo responses (``demo``: NPS_RAW_RESPONSES unset), the demo's sub-folder of
    the source; else none, so that the demo's customers never mix with one's own responses."""
    specs: dict[str, str] = {}
    for source in SOURCE_CONTRACTS:
        if source == "responses":
            continue
        spec = os.environ.get(source_environment(source), "").strip()
        if not spec and demo:
            spec = f"{DEFAULT_RAW_SPEC}/{source}"
        if spec:
            specs[source] = spec
    return specs


def load_config(
    config: str | os.PathLike[str] | None = None, *, raw_spec: str | None = None, use_config: bool = True
) -> LandingConfig:
    """The landing config: the file ``config`` (else the one :func:`find_config_file` finds),
    or without one the implicit feed of ``raw_spec`` / NPS_RAW_RESPONSES. ``use_config=False``
    ignores any config file (the implicit feed only)."""
    path = find_config_file(config) if use_config else None
    if path is None:
        return default_config(raw_spec)
    return parse_config(path.read_text(encoding="utf-8"), path)


def parse_config(text: str, path: Path) -> LandingConfig:
    """The feeds a config file's text describes; raises LandingConfigError on any mistake."""
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LandingConfigError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or "feeds" not in document:
        raise LandingConfigError(
            f"{path}: expected a mapping with a `feeds:` list (see the README, section Landing config)."
        )
    unknown = sorted(set(document) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise LandingConfigError(
            f"{path}: unknown top-level key(s) {', '.join(unknown)}; the only one is `feeds`."
        )
    entries = document["feeds"]
    if not isinstance(entries, list) or not entries:
        raise LandingConfigError(f"{path}: `feeds` must be a non-empty list of feeds.")
    folder = path.parent
    feeds: list[Feed] = []
    for position, entry in enumerate(entries, start=1):
        feeds.append(_parse_feed(entry, position, path, folder))
    names = [feed.name for feed in feeds]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise LandingConfigError(
            f"{path}: feed name(s) {', '.join(duplicated)} used more than once: each feed needs "
            "its own `name` (it is kept as lineage on every row)."
        )
    return LandingConfig(feeds=tuple(feeds), path=path)


def _parse_feed(entry: Any, position: int, path: Path, folder: Path) -> Feed:
    label = f"{path}: feed #{position}"
    if not isinstance(entry, dict):
        raise LandingConfigError(f"{label} must be a mapping of keys (name, source, path, ...).")
    name = entry.get("name")
    if isinstance(name, str):
        label = f"{path}: feed '{name}'"
    unknown = [key for key in entry if key not in FEED_KEYS]
    if unknown:
        raise LandingConfigError(
            f"{label}: unknown key(s) {', '.join(map(str, unknown))}. A feed's keys are: "
            + ", ".join(FEED_KEYS)
            + "."
        )
    for key in ("name", "source", "path"):
        if entry.get(key) in (None, ""):
            raise LandingConfigError(f"{label}: key `{key}` is required.")
    if not isinstance(name, str) or not _FEED_NAME.fullmatch(name):
        raise LandingConfigError(
            f"{label}: key `name` must start with a letter and hold only letters, digits, `_` and "
            f"`-` (64 at most), got {name!r}."
        )
    source = entry["source"]
    if source not in SOURCE_CONTRACTS:
        raise LandingConfigError(
            f"{label}: key `source`: unknown source {source!r}; known sources: "
            + ", ".join(sorted(SOURCE_CONTRACTS))
            + "."
        )
    contract = SOURCE_CONTRACTS[source]
    feed_path = entry["path"]
    if not isinstance(feed_path, str):
        raise LandingConfigError(f"{label}: key `path` must be a file, a folder or a glob, as text.")
    # relative to the config file's folder, spelt as the config's own path is (a landing.yml in
    # the current folder keeps the feed's path as written)
    if os.path.isabs(feed_path) or str(folder) in ("", "."):
        spec = feed_path
    else:
        spec = os.path.join(str(folder), feed_path)

    settings: dict[str, Any] = {}
    preset_columns: dict[str, str] = {}
    timezone_from_export = False
    preset = entry.get("preset")
    if preset is not None:
        if preset not in PRESETS:
            raise LandingConfigError(
                f"{label}: key `preset`: unknown preset {preset!r}; presets: "
                + ", ".join(sorted(PRESETS))
                + "."
            )
        chosen = PRESETS[preset]
        settings.update(chosen.settings)
        preset_columns = dict(chosen.columns)
        timezone_from_export = chosen.timezone_from_export

    if "delimiter" in entry:
        settings["delimiter"] = _delimiter(entry["delimiter"], label)
    if "encoding" in entry:
        encoding = str(entry["encoding"]).strip().lower()
        if encoding not in ENCODINGS:
            raise LandingConfigError(
                f"{label}: key `encoding`: unknown encoding {entry['encoding']!r}; use one of "
                "utf-8, cp1252, latin-1, utf-16."
            )
        settings["encoding"] = ENCODINGS[encoding]
    if "header_rows" in entry:
        rows = entry["header_rows"]
        if not isinstance(rows, int) or isinstance(rows, bool) or not 1 <= rows <= 20:
            raise LandingConfigError(
                f"{label}: key `header_rows` must be a whole number from 1 to 20 (the rows before "
                f"the data; the first holds the column names), got {rows!r}."
            )
        settings["header_rows"] = rows
    if "decimal_mark" in entry:
        mark = entry["decimal_mark"]
        if mark not in DECIMAL_MARKS:
            raise LandingConfigError(f'{label}: key `decimal_mark` must be "." or ",", got {mark!r}.')
        settings["decimal_mark"] = mark
    if "timestamp_format" in entry:
        settings["timestamp_formats"] = _timestamp_formats(entry["timestamp_format"], label)
    if "timezone" in entry:
        settings["timezone"] = validate_timezone(entry["timezone"], f"{label}: key `timezone`")
        timezone_from_export = False

    columns: dict[str, str | None] = dict(preset_columns)
    explicit = entry.get("columns") or {}
    if not isinstance(explicit, dict):
        raise LandingConfigError(
            f"{label}: key `columns` must map contract columns to the export's headers (score: Q1)."
        )
    for column, header in explicit.items():
        if column not in contract.columns:
            raise LandingConfigError(
                f"{label}: key `columns.{column}`: {column!r} is not a column of the {source} "
                "contract; its columns are: " + ", ".join(contract.columns) + "."
            )
        if header is not None and (not isinstance(header, str | int) or str(header).strip() == ""):
            raise LandingConfigError(
                f"{label}: key `columns.{column}` must name a header of the export (or be null when "
                f"the export has no such column), got {header!r}."
            )
        columns[column] = None if header is None else str(header)
    constants_entry = entry.get("constants") or {}
    if not isinstance(constants_entry, dict):
        raise LandingConfigError(f"{label}: key `constants` must map contract columns to one value each.")
    constants: dict[str, str] = {}
    for column, value in constants_entry.items():
        if column not in contract.columns:
            raise LandingConfigError(
                f"{label}: key `constants.{column}`: {column!r} is not a column of the {source} "
                "contract; its columns are: " + ", ".join(contract.columns) + "."
            )
        if column in explicit:
            raise LandingConfigError(
                f"{label}: column {column!r} is both in `columns` and in `constants`: keep one."
            )
        if value is None or isinstance(value, dict | list):
            raise LandingConfigError(f"{label}: key `constants.{column}` must be one value, got {value!r}.")
        constants[column] = _scalar_text(value)
        columns.pop(column, None)

    return Feed(
        name=name,
        source=source,
        path=feed_path,
        spec=spec,
        preset=preset,
        columns=columns,
        preset_columns=frozenset(column for column in preset_columns if column not in explicit),
        constants=constants,
        timezone_from_export=timezone_from_export,
        origin=str(path),
        **settings,
    )


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _delimiter(value: Any, label: str) -> str:
    text = value if isinstance(value, str) else str(value)
    if text in ("\\t", "tab"):
        text = "\t"
    if text not in DELIMITERS:
        raise LandingConfigError(
            f'{label}: key `delimiter` must be one of "," ";" "\\t" (tab) "|", got {value!r}.'
        )
    return text


def validate_timezone(value: Any, label: str) -> str:
    """An IANA time zone name, checked against the time zone database."""
    if not isinstance(value, str) or not value.strip():
        raise LandingConfigError(
            f"{label} must be an IANA time zone name such as Europe/Paris, got {value!r}."
        )
    name = value.strip()
    if name.upper() == "UTC":
        return "UTC"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+/-]*", name):
        raise LandingConfigError(f"{label}: {value!r} is not an IANA time zone name (such as Europe/Paris).")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LandingConfigError(
            f"{label}: unknown time zone {value!r}; use an IANA name such as Europe/Paris, "
            "America/New_York or UTC."
        ) from exc
    return name


def _timestamp_formats(value: Any, label: str) -> tuple[str, ...]:
    formats = [value] if isinstance(value, str) else value
    if not isinstance(formats, list) or not formats:
        raise LandingConfigError(
            f"{label}: key `timestamp_format` must be a format or a list of formats tried in order "
            '(such as ["%d/%m/%Y %H:%M", iso8601]).'
        )
    checked = []
    for text in formats:
        if not isinstance(text, str):
            raise LandingConfigError(f"{label}: key `timestamp_format`: {text!r} is not a format.")
        checked.append(validate_timestamp_format(text, f"{label}: key `timestamp_format`"))
    return tuple(checked)


def validate_timestamp_format(text: str, label: str) -> str:
    """A strftime-style format the staging model can read (or the keyword iso8601)."""
    if text.strip().lower() == ISO8601:
        return ISO8601
    seen: list[str] = []
    position = 0
    while position < len(text):
        character = text[position]
        if character == "%":
            directive = text[position + 1 : position + 2]
            if directive == "%":
                raise LandingConfigError(f"{label}: {text!r}: a literal % is not supported.")
            if directive not in FORMAT_DIRECTIVES:
                raise LandingConfigError(
                    f"{label}: {text!r}: unknown directive %{directive}; the directives are "
                    + ", ".join(f"%{key} ({meaning})" for key, meaning in FORMAT_DIRECTIVES.items())
                    + "."
                )
            if directive in seen:
                raise LandingConfigError(f"{label}: {text!r} uses %{directive} twice.")
            seen.append(directive)
            position += 2
            continue
        if not _FORMAT_LITERALS.fullmatch(character):
            raise LandingConfigError(
                f"{label}: {text!r}: the character {character!r} is not supported in a format "
                "(letters, digits, spaces and / : . , _ - are)."
            )
        position += 1
    for required in "Ymd":
        if required not in seen:
            raise LandingConfigError(
                f"{label}: {text!r} has no %{required}: a format must hold %Y, %m and %d."
            )
    problems = []
    if "H" in seen and ("I" in seen or "p" in seen):
        problems.append("use %H (0-23) or %I with %p (1-12 AM/PM), not both")
    if ("I" in seen) != ("p" in seen):
        problems.append("%I and %p go together")
    if "M" in seen and not ({"H", "I"} & set(seen)):
        problems.append("%M needs an hour (%H, or %I with %p)")
    if ({"H", "I"} & set(seen)) and "M" not in seen:
        problems.append("an hour needs its minutes (%M)")
    if "S" in seen and "M" not in seen:
        problems.append("%S needs %M")
    if "f" in seen and "S" not in seen:
        problems.append("%f needs %S")
    if "z" in seen and "M" not in seen:
        problems.append("%z needs a time of day")
    if problems:
        raise LandingConfigError(f"{label}: {text!r}: " + "; ".join(problems) + ".")
    return text
