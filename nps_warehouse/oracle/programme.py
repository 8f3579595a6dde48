"""The sources of the CX programme beside responses, and what a response gains from them.

Customers, agents, interactions and invitations share one path (their own rules live in
:mod:`.customers`, :mod:`.agents`, :mod:`.interactions` and :mod:`.invitations`): every raw row
is checked (a reason when it is rejected, the attributes it names but nulls), the valid rows of
one key are settled (the greatest ``(source_file, source_row_number)`` is accepted, the others
superseded), and every raw row gets a row in the source's audit. Customers and agents keep
versions (a slowly changing dimension): a change of attributes opens a new version.

This module holds those shared mechanics, the parsing of attribute values, the bands of the
``nps_bands`` seed, and the attributes of a response at the time it was given
(``fct_cx_responses``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from nps_warehouse.contract import MART_COLUMNS, SOURCE_ATTRIBUTE_ISSUES, SOURCE_CONTRACTS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.responses import ACCEPTED, REJECTED, SUPERSEDED, UNKNOWN, Response, trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS, parse_submitted_at

Row = tuple[Any, ...]

# ----------------------------------------------------------------------- values


def lower(raw: str | None) -> str | None:
    """Trimmed and lower-cased; None when empty."""
    text = trim(raw)
    return text.lower() if text is not None else None


def upper(raw: str | None) -> str | None:
    """Trimmed and upper-cased; None when empty."""
    text = trim(raw)
    return text.upper() if text is not None else None


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DIGITS = re.compile(r"[0-9]+")

#: Spellings (trimmed, lower-cased) of a yes and of a no.
TRUE_VALUES = frozenset({"true", "yes", "1", "y", "oui", "t"})
FALSE_VALUES = frozenset({"false", "no", "0", "n", "non", "f"})


def parse_date(raw: str | None) -> date | None:
    """A date written ``YYYY-MM-DD`` (exactly 4-2-2 digits) that is on the calendar; else None."""
    text = trim(raw)
    match = _DATE.fullmatch(text) if text is not None else None
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:  # year 0, month 13, 29 February of a common year, ...
        return None


def parse_int(raw: str | None) -> int | None:
    """A whole number written with digits only (``007`` is 7); else None."""
    text = trim(raw)
    if text is None or _DIGITS.fullmatch(text) is None:
        return None
    return int(text)


def parse_bool(raw: str | None) -> bool | None:
    """True for true/yes/1/y/oui/t, False for false/no/0/n/non/f (any case); else None."""
    text = lower(raw)
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    return None


def parse_timestamp(
    raw: str | None, row: SourceRow, formats: Sequence[str] = DEFAULT_FORMATS
) -> datetime | None:
    """A timestamp of the row's feed, read like ``submitted_at`` (naive UTC); None when invalid."""
    return parse_submitted_at(raw, row.source_timezone, formats)


# ---------------------------------------------------------------- checking, settling


@dataclass(frozen=True, slots=True)
class Checked:
    """A raw row of a programme source and what the rules made of it."""

    row: SourceRow
    #: the trimmed id (None when empty)
    key: str | None
    #: the rejection reason (None: the row is valid)
    reason: str | None
    #: the attributes written but invalid (SOURCE_ATTRIBUTE_ISSUES codes, joined by ", ")
    issues: str | None
    #: the parsed record of a valid row (None when rejected)
    record: Any


def attribute_issues(row: SourceRow, parsed: Mapping[str, Any]) -> str | None:
    """The attributes of ``row`` written (non-empty) whose parsed value is None, as the codes of
    SOURCE_ATTRIBUTE_ISSUES in contract column order, joined by ", "; None when none is."""
    codes = SOURCE_ATTRIBUTE_ISSUES.get(row.source, {})
    issues = [
        codes[column]
        for column in SOURCE_CONTRACTS[row.source].columns
        if column in codes and trim(getattr(row, column)) is not None and parsed[column] is None
    ]
    return ", ".join(issues) or None


@dataclass(frozen=True)
class Settled:
    """A programme source settled: its accepted records, and its audit rows."""

    accepted: list[Any]
    audit: list[Row]


def settle(checked: Iterable[Checked], group: Callable[[Any], Hashable]) -> Settled:
    """Among the valid rows of one ``group`` (of their records), the greatest
    ``(source_file, source_row_number)`` is accepted and the others superseded; the audit has a
    row per raw row, sorted by ``(source_file, source_row_number)``."""
    checked = list(checked)
    best: dict[Hashable, Checked] = {}
    for item in checked:
        if item.reason is not None:
            continue
        key = group(item.record)
        current = best.get(key)
        if current is None or _position(item) > _position(current):
            best[key] = item
    winners = {_position(item) for item in best.values()}
    audit = []
    for item in checked:
        if item.reason is not None:
            status = REJECTED
        else:
            status = ACCEPTED if _position(item) in winners else SUPERSEDED
        row = item.row
        audit.append(
            (
                row.source_file,
                row.source_row_number,
                item.key,
                row.feed_name,
                *row.raw_values(),
                status,
                item.reason,
                item.issues,
            )
        )
    audit.sort(key=lambda audit_row: (audit_row[0], audit_row[1]))
    accepted = sorted((item.record for item in best.values()), key=lambda record: group(record))  # type: ignore[no-any-return]
    return Settled(accepted, audit)


def _position(item: Checked) -> tuple[str, int]:
    return (item.row.source_file, item.row.source_row_number)


# --------------------------------------------------------------------------- versions


class Versioned(Protocol):
    """A valid row of a source with versions (customers, agents)."""

    @property
    def key(self) -> str: ...

    @property
    def updated_at(self) -> datetime: ...

    def attributes(self) -> tuple[Any, ...]: ...


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a customer or an agent: its first row's values, from ``valid_from`` to
    ``valid_to`` (None: still valid)."""

    record: Any
    version_number: int
    valid_from: datetime
    valid_to: datetime | None
    is_current: bool


def build_versions(records: Iterable[Versioned]) -> dict[str, list[Version]]:
    """The versions of each key: its accepted rows by ``updated_at``, a row whose attributes
    equal the previous version's (null equal to null) merged into it; numbered from 1, each
    valid until the next one's ``valid_from``."""
    by_key: dict[str, list[Versioned]] = {}
    for record in records:
        by_key.setdefault(record.key, []).append(record)
    versions: dict[str, list[Version]] = {}
    for key, rows in sorted(by_key.items()):
        rows.sort(key=lambda record: record.updated_at)
        firsts: list[Versioned] = []
        for record in rows:
            if not firsts or record.attributes() != firsts[-1].attributes():
                firsts.append(record)
        versions[key] = [
            Version(
                record=record,
                version_number=number,
                valid_from=record.updated_at,
                valid_to=firsts[number].updated_at if number < len(firsts) else None,
                is_current=number == len(firsts),
            )
            for number, record in enumerate(firsts, start=1)
        ]
    return versions


def version_at(versions: Sequence[Version] | None, instant: datetime) -> Version | None:
    """The version valid at ``instant`` (``valid_from <= instant < valid_to``); the first one
    when ``instant`` precedes them all; None without versions."""
    if not versions:
        return None
    for version in reversed(versions):
        if version.valid_from <= instant:
            return version
    return versions[0]


# ------------------------------------------------------------------------------ bands


@dataclass(frozen=True, slots=True)
class Band:
    """A band of the ``nps_bands`` seed: ``lower`` inclusive, ``upper`` exclusive (None: open)."""

    band: str
    lower: int | None
    upper: int | None
    sort_order: int


def load_bands(seeds_dir: str | Path) -> dict[str, list[Band]]:
    """The bands of ``seeds/nps_bands.csv`` by band type, in sort order."""
    bands: dict[str, list[Band]] = {}
    with open(Path(seeds_dir) / "nps_bands.csv", encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            band_type = str(trim(record["band_type"]))
            bands.setdefault(band_type, []).append(
                Band(
                    band=str(trim(record["band"])),
                    lower=_bound(record["lower_bound"]),
                    upper=_bound(record["upper_bound"]),
                    sort_order=int(str(trim(record["sort_order"]))),
                )
            )
    for members in bands.values():
        members.sort(key=lambda band: band.sort_order)
    return bands


def _bound(text: str | None) -> int | None:
    value = trim(text)
    return int(value) if value is not None else None


def band_of(bands: Mapping[str, Sequence[Band]], band_type: str, value: int | None) -> str:
    """The band of ``band_type`` holding ``value``; ``unknown`` for None, a negative value or no band."""
    if value is None or value < 0:
        return UNKNOWN
    for band in bands.get(band_type, ()):
        if (band.lower is None or band.lower <= value) and (band.upper is None or value < band.upper):
            return band.band
    return UNKNOWN


def whole_years(start: date | None, on: date) -> int | None:
    """Whole years from ``start`` to ``on`` (an age, a tenure); None without ``start``. A
    29 February birthday comes on 1 March in a common year."""
    if start is None:
        return None
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


# ------------------------------------------------------------------ response attributes

#: The columns fct_cx_responses adds to a response, in MART_COLUMNS order.
CX_ATTRIBUTES: tuple[str, ...] = (
    "age_band",
    "tenure_band",
    "loyalty_tier",
    "customer_country",
    "team",
    "site",
    "wait_time_band",
    "transfers_band",
    "first_contact_resolution",
)


@dataclass(frozen=True)
class Programme:
    """The settled programme sources a response is joined to."""

    #: customer_id -> versions
    customers: Mapping[str, Sequence[Version]]
    #: agent_id -> versions
    agents: Mapping[str, Sequence[Version]]
    #: interaction_id -> the accepted interaction
    interactions: Mapping[str, Any]
    bands: Mapping[str, Sequence[Band]]


def response_attributes(response: Response, programme: Programme) -> dict[str, str]:
    """The attributes of ``response`` at its ``submitted_at``: its customer's and agent's versions
    valid then (the first one before it), and its interaction."""
    bands = programme.bands
    on = response.response_date
    customer_version = (
        version_at(programme.customers.get(response.customer_id), response.submitted_at)
        if response.customer_id is not None
        else None
    )
    customer = customer_version.record if customer_version is not None else None
    agent_version = (
        version_at(programme.agents.get(response.agent_id), response.submitted_at)
        if response.agent_id is not None
        else None
    )
    agent = agent_version.record if agent_version is not None else None
    interaction = (
        programme.interactions.get(response.interaction_id) if response.interaction_id is not None else None
    )
    resolution = interaction.is_first_contact_resolution if interaction is not None else None
    return {
        "age_band": band_of(bands, "age_band", whole_years(customer and customer.birth_date, on)),
        "tenure_band": band_of(bands, "tenure_band", whole_years(customer and customer.customer_since, on)),
        "loyalty_tier": (customer and customer.loyalty_tier) or UNKNOWN,
        "customer_country": (customer and customer.country_code) or UNKNOWN,
        "team": (agent and agent.team) or UNKNOWN,
        "site": (agent and agent.site) or UNKNOWN,
        "wait_time_band": band_of(bands, "wait_time_band", interaction and interaction.wait_seconds),
        "transfers_band": band_of(bands, "transfers_band", interaction and interaction.transfers),
        "first_contact_resolution": UNKNOWN if resolution is None else "yes" if resolution else "no",
    }


def cx_response_values(response: Response, attributes: Mapping[str, str]) -> dict[str, Any]:
    """The values of the response's row of fct_cx_responses, by column."""
    return {
        column: attributes[column] if column in attributes else getattr(response, column)
        for column in MART_COLUMNS["fct_cx_responses"]
    }


def fct_cx_responses(values: Iterable[Mapping[str, Any]]) -> list[Row]:
    """fct_cx_responses: a row per accepted response, by response_id."""
    columns = MART_COLUMNS["fct_cx_responses"]
    rows = [tuple(value[column] for column in columns) for value in values]
    return sorted(rows, key=lambda row: row[0])
