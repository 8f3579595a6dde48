"""Case events: the CRM's follow-up of the detractors, one file per responses file.

The model
---------
* **Which cases.**  A response row whose NPS answer reads (as written) as 0-6, or whose CSAT
  reads as 1-2, gets the events of a follow-up path; the path is a function of the row, so a
  resubmission has its own.  A resubmission of a detractor that is no longer one leaves the
  first row's events on a case the warehouse shows cancelled.
* **Paths** (shares of those rows): contacted within the 48-hour SLA and resolved, then often
  closed (40%); contacted late (15%); assigned and never contacted (8%); no event at all (15%);
  resolved without a contact (7%); contacted, resolved, reopened, contacted again and closed
  (8%); contacted in time and left open (7%).  Each path starts with an assignment to one of
  twelve owners (``cx_lead_01`` ...), except the ones without events.
* **Export.**  The file is the CRM's export at the end of the period: an event after it is not
  in it (the latest cases are open).
* **Messy rows** (rates proportional to ``messy_rate``): events naming a response that does not
  exist (``R9...``) or a response just before the case's (mostly not a case), empty response ids,
  unknown event types (``called``, ``escalated``), case and padding variants of the valid ones
  (``Contacted``, `` CLOSED``), unreadable or empty ``event_at``, and rows exported twice (the
  later copy wins, the first is superseded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import ids
from .text import prefixed_numbers
from .timestamps import US_PER_HOUR, quantise, render_timestamps

if TYPE_CHECKING:
    from .responses import ResponseCore, ResponsePlan

COLUMNS: tuple[str, ...] = ("response_id", "event_type", "event_at", "owner", "note")
EVENT_TYPES: tuple[str, ...] = ("assigned", "contacted", "resolved", "closed", "reopened")
OWNERS: tuple[str, ...] = tuple(f"cx_lead_{k:02d}" for k in range(1, 13))

#: The follow-up paths: (name, share, events as (type, hours after the previous event: low, high)).
PATHS: tuple[tuple[str, float, tuple[tuple[str, float, float], ...]], ...] = (
    (
        "in_time",
        0.40,
        (("assigned", 0.2, 4), ("contacted", 1, 36), ("resolved", 1, 48), ("closed", 0, 72)),
    ),
    ("late", 0.15, (("assigned", 0.2, 6), ("contacted", 50, 160), ("resolved", 1, 96))),
    ("never", 0.08, (("assigned", 0.2, 8),)),
    ("silent", 0.15, ()),
    ("resolved_without_contact", 0.07, (("assigned", 0.2, 6), ("resolved", 4, 80))),
    (
        "reopened",
        0.08,
        (
            ("assigned", 0.2, 4),
            ("contacted", 1, 30),
            ("resolved", 1, 48),
            ("reopened", 12, 96),
            ("contacted", 1, 24),
            ("closed", 2, 72),
        ),
    ),
    ("left_open", 0.07, (("assigned", 0.2, 4), ("contacted", 1, 40))),
)
_MAX_EVENTS = max(len(events) for _, _, events in PATHS)
_PATH_WEIGHTS = np.array([share for _, share, _ in PATHS])
_TYPE_CODES = {name: k for k, name in enumerate(EVENT_TYPES)}
#: per path and event slot: the event type code (-1: no event), and the hours' bounds
_SLOT_TYPE = np.full((len(PATHS), _MAX_EVENTS), -1, dtype=np.int64)
_SLOT_LOW = np.zeros((len(PATHS), _MAX_EVENTS))
_SLOT_HIGH = np.zeros((len(PATHS), _MAX_EVENTS))
for _p, (_, _, _events) in enumerate(PATHS):
    for _k, (_type, _low, _high) in enumerate(_events):
        _SLOT_TYPE[_p, _k] = _TYPE_CODES[_type]
        _SLOT_LOW[_p, _k], _SLOT_HIGH[_p, _k] = _low, _high
_CLOSED_ANYWAY = 0.6  # the share of in-time paths whose case is closed after it is resolved

NOTES: tuple[str, ...] = (
    "",
    "",
    "left a voicemail",
    "customer happy with the gesture",
    "refund issued",
    "rappel effectué, client satisfait",
    "escalated to billing",
)
MESSY_CASES: tuple[str, ...] = (
    "unknown_response",
    "not_a_case",
    "empty_response_id",
    "unknown_type",
    "type_variant",
    "invalid_event_at",
    "empty_event_at",
    "duplicate",
)
UNKNOWN_TYPES: tuple[str, ...] = ("called", "escalated", "opened", "contacted?")
TYPE_VARIANTS: tuple[str, ...] = ("Contacted", " CLOSED", "Resolved ", "ASSIGNED", "\treopened")
INVALID_TIMESTAMPS: tuple[str, ...] = ("yesterday", "2026-13-01T10:00:00Z", "n/a", "31/10/2026 25:00")

# Streams 600 - 699 (rng.py).
_C_PATH, _C_HOURS, _C_OWNER, _C_NOTE, _C_CLOSE, _C_MESSY, _C_MESSY_KIND, _C_MESSY_PICK = range(600, 608)
_P_MESSY_PER_RATE = 0.6  # messy event rows per case row, per unit of messy_rate


def _read_int(texts: pa.ChunkedArray | pa.Array, low: int, high: int) -> np.ndarray:
    """The values written as a whole number in [low, high] (surrounding blanks allowed), else -1."""
    trimmed = pc.utf8_trim_whitespace(texts)
    digits = pc.fill_null(pc.match_substring_regex(trimmed, r"^[0-9]{1,3}$"), False)
    values = pc.cast(pc.if_else(digits, trimmed, "-1"), pa.int64()).to_numpy(zero_copy_only=False)
    return np.where((values >= low) & (values <= high), values, -1)


def chunk_rows(plan: ResponsePlan, core: ResponseCore, table: pa.Table, period_end_us: int) -> pa.Table:
    """The case events of a chunk's response rows (``table``, rows of ``core``), exported at
    ``period_end_us``."""
    rng = plan.rng
    score = _read_int(table["score"], 0, 10)
    csat = _read_int(table["csat_score"], 1, 5)
    opens = ((score >= 0) & (score <= 6)) | ((csat >= 1) & (csat <= 2))
    rows = np.nonzero(opens)[0]
    keys = core.idx[rows].astype(np.int64)
    path = rng.choice(_C_PATH, keys, _PATH_WEIGHTS)
    slot = np.arange(_MAX_EVENTS, dtype=np.int64)
    event_keys = keys[:, None] * _MAX_EVENTS + slot[None, :]
    types = _SLOT_TYPE[path]
    closes = rng.uniform(_C_CLOSE, keys) < _CLOSED_ANYWAY
    types = np.where((path[:, None] == 0) & (types == _TYPE_CODES["closed"]) & ~closes[:, None], -1, types)
    low, high = _SLOT_LOW[path], _SLOT_HIGH[path]
    hours = low + (high - low) * rng.uniform(_C_HOURS, event_keys)
    instants = core.instant[rows][:, None] + np.cumsum((hours * US_PER_HOUR).astype(np.int64), axis=1)
    instants = (instants // 1_000_000) * 1_000_000  # whole seconds
    exists = (types >= 0) & (instants <= period_end_us)
    row_of, slot_of = np.nonzero(exists)
    n = len(row_of)
    response_id = pc.take(table["response_id"], pa.array(rows[row_of]))
    type_code = types[row_of, slot_of]
    event_type = pa.array(np.array(EVENT_TYPES, dtype=object)[type_code].tolist(), pa.string())
    at = instants[row_of, slot_of]
    codes = np.zeros(n, dtype=np.int64)
    event_at = render_timestamps(quantise(at, codes), codes)
    owner_pick = rng.below(_C_OWNER, keys[row_of], len(OWNERS))
    owners = np.array(OWNERS, dtype=object)[owner_pick]
    owner = pa.array(np.where(type_code == _TYPE_CODES["assigned"], owners, None).tolist(), pa.string())
    note_pick = rng.below(_C_NOTE, event_keys[row_of, slot_of], len(NOTES))
    note = pa.array([NOTES[k] or None for k in note_pick.tolist()], pa.string())
    events = pa.table(
        {
            "response_id": response_id,
            "event_type": event_type,
            "event_at": event_at,
            "owner": owner,
            "note": note,
        }
    )
    # a response just before the case's, for the events that name another response (mostly no
    # case): a function of the row alone, so the output does not depend on the chunks
    neighbour = np.maximum(core.number[rows][row_of] - 1 - (event_keys[row_of, slot_of] % 3), 1)
    others = prefixed_numbers(ids.RESPONSE_PREFIX, neighbour, plan.id_width)
    return _apply_messy(plan, events, event_keys[row_of, slot_of], others)


def _apply_messy(plan: ResponsePlan, events: pa.Table, keys: np.ndarray, others: pa.StringArray) -> pa.Table:
    """Messy rows: some events altered in place, some exported twice."""
    rng = plan.rng
    n = events.num_rows
    if not n:
        return events.cast(pa.schema([(column, pa.string()) for column in COLUMNS]))
    messy = rng.uniform(_C_MESSY, keys) < min(1.0, _P_MESSY_PER_RATE * plan.spec.messy_rate)
    kind = rng.below(_C_MESSY_KIND, keys, len(MESSY_CASES))
    pick = rng.below(_C_MESSY_PICK, keys, 1 << 20)
    columns = {column: events[column].to_pylist() for column in COLUMNS}
    duplicated: list[int] = []
    for k in np.nonzero(messy)[0].tolist():
        case = MESSY_CASES[int(kind[k])]
        choice = int(pick[k])
        if case == "unknown_response":
            columns["response_id"][k] = f"R9{choice:07d}"
        elif case == "not_a_case":
            columns["response_id"][k] = others[k].as_py()
        elif case == "empty_response_id":
            columns["response_id"][k] = ("", " ")[choice % 2] or None
        elif case == "unknown_type":
            columns["event_type"][k] = UNKNOWN_TYPES[choice % len(UNKNOWN_TYPES)]
        elif case == "type_variant":
            columns["event_type"][k] = TYPE_VARIANTS[choice % len(TYPE_VARIANTS)]
        elif case == "invalid_event_at":
            columns["event_at"][k] = INVALID_TIMESTAMPS[choice % len(INVALID_TIMESTAMPS)]
        elif case == "empty_event_at":
            columns["event_at"][k] = None
        else:
            duplicated.append(k)
    order = sorted(list(range(n)) + duplicated)
    return pa.table(
        {column: pa.array([columns[column][k] for k in order], pa.string()) for column in COLUMNS}
    )
