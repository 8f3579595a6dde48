"""Interactions: the contact centre's calls and chats, one file per responses file.

The model
---------
* **Which.**  Every phone or chat response with an agent is about one interaction, whose id
  (``IX``, ids.py) the response names; it is written with the response's first occurrence
  (a resubmission names the same interaction).  Beside them, each response slot has on average
  ``UNSURVEYED_PER_SLOT`` interactions of the same hour nobody was surveyed about (ids ``8 s + j``,
  ``j`` = 1..7), so about one interaction in five is surveyed.
* **Facts** are hashes of the interaction number: wait (phone up to ~25 minutes, chat up to 10,
  heavy-tailed), handle time, transfers (0-3) and first-contact resolution (less likely after
  transfers).  A surveyed interaction has the response's customer, agent and channel and starts
  a few minutes to half an hour before the response (its wait, handle time and that gap).
* **Effects.**  The NPS latent of the response falls with the wait and with each transfer and
  rises with first-contact resolution (``effect``); its CES (effort) follows the same facts more
  strongly.  Only additions and multiplications.
* **Re-exports.**  Some rows of a file come again in the next file: exact duplicates, and
  corrections (the first export has preliminary values - no transfer, resolved, a shorter handle
  time - the next file the true ones; the later file wins).

Messy rows (rates proportional to ``messy_rate``): empty or blank ids, invalid or empty
``started_at``, numbers invalid or negative (``n/a``, ``-5``, ``12.5``), unparseable booleans
(``maybe``), empty customer or agent, channel spellings; the boolean is written ``true``/``false``,
and, at cosmetic rates, ``yes``/``no``, ``1``/``0``, ``Y``/``N``, ``oui``/``non``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import ids
from .agents import AGENTS
from .cases import Case, apply_cases
from .customers import customer_of
from .reference import CHAT, PHONE
from .rng import CounterRandom
from .text import Pool
from .timestamps import US_PER_HOUR, US_PER_SECOND, quantise, render_timestamps, timestamp_codes

if TYPE_CHECKING:
    from .responses import ResponseCore, ResponsePlan

COLUMNS: tuple[str, ...] = (
    "interaction_id",
    "customer_id",
    "agent_id",
    "channel",
    "started_at",
    "wait_seconds",
    "handle_seconds",
    "transfers",
    "is_first_contact_resolution",
)
UNSURVEYED_PER_SLOT = 1.05
_P_UNSURVEYED = UNSURVEYED_PER_SLOT / (ids.SLOTS - 1)

_I_WAIT, _I_HANDLE_1, _I_HANDLE_2, _I_TRANSFERS, _I_FCR, _I_GAP = range(400, 406)
_I_EXISTS, _I_CHANNEL, _I_CUSTOMER, _I_AGENT, _I_BEFORE = range(406, 411)
_I_BOOL_FMT, _I_CHANNEL_FMT, _I_TS_FMT = 411, 412, 413  # 413 and 414
_I_DUPLICATE, _I_CORRECTED = 415, 416
_I_MESSY, _I_MESSY_KIND, _I_MESSY_PICK = 420, 421, 422

_TRANSFER_WEIGHTS = (0.72, 0.18, 0.07, 0.03)

_TRUE = ("true", "yes", "1", "Y", "oui", "True", "TRUE", "Yes", "y", "Oui")
_FALSE = ("false", "no", "0", "N", "non", "False", "FALSE", "No", "n", "Non")
_BOOL_POOL = Pool([["false"], ["true"], list(_FALSE), list(_TRUE)])
_CHANNEL_POOL = Pool(
    [
        ["phone"],
        ["chat"],
        ["Phone", "PHONE", " phone", "téléphone", "Téléphone", "call"],
        ["Chat", "CHAT", "chat ", "Live Chat", "webchat"],
    ]
)

MESSY_CASES: tuple[str, ...] = (
    "empty_id",
    "invalid_started_at",
    "empty_started_at",
    "invalid_wait",
    "negative_wait",
    "invalid_handle",
    "invalid_transfers",
    "invalid_boolean",
    "empty_customer",
    "empty_agent",
)
INVALID_NUMBERS: tuple[str, ...] = ("n/a", "12.5", "abc", "1e3", "")
NEGATIVE_NUMBERS: tuple[str, ...] = ("-5", "-1", "-120")
INVALID_TRANSFERS: tuple[str, ...] = ("-1", "1.5", "two", "n/a")
INVALID_BOOLEANS: tuple[str, ...] = ("maybe", "?", "unknown", "2", "vrai")
INVALID_TIMESTAMPS: tuple[str, ...] = (
    "n/a",
    "31/02/2026 10:00",
    "2026-09-31T10:00:00Z",
    "now",
    "2026-10-01 24:10",
)
_BLANKS: tuple[str, ...] = ("", " ", "\t", "  ")


@dataclass
class Facts:
    """Facts of interactions."""

    wait: np.ndarray  # seconds
    handle: np.ndarray  # seconds
    transfers: np.ndarray
    resolved: np.ndarray  # first-contact resolution


def facts(rng: CounterRandom, numbers: np.ndarray, channel: np.ndarray) -> Facts:
    """Wait, handle time, transfers and resolution of interactions (numbers) of a channel."""
    phone = channel == PHONE
    u = rng.uniform(_I_WAIT, numbers)
    wait = np.where(phone, 15 + 1500 * u * u * u, 5 + 600 * u * u * u).astype(np.int64)
    handle = np.where(phone, 120.0, 180.0) + np.where(phone, 1200.0, 1500.0) * rng.uniform(
        _I_HANDLE_1, numbers
    ) * rng.uniform(_I_HANDLE_2, numbers)
    transfers = rng.choice(_I_TRANSFERS, numbers, _TRANSFER_WEIGHTS)
    resolved = rng.uniform(_I_FCR, numbers) < np.maximum(0.1, 0.82 - 0.22 * transfers - 0.0002 * wait)
    return Facts(wait, handle.astype(np.int64), transfers, resolved)


def effect(f: Facts) -> np.ndarray:
    """Effect of an interaction on the NPS latent of the response about it (zero on average)."""
    return -0.0018 * (f.wait - 220) - 0.7 * (f.transfers - 0.41) + 1.1 * (f.resolved - 0.68)


def effort(f: Facts) -> np.ndarray:
    """Effect on the CES latent (7 = very easy)."""
    return -0.0025 * (f.wait - 220) - 0.9 * (f.transfers - 0.41) + 1.0 * (f.resolved - 0.68)


@dataclass(frozen=True)
class ContactSettings:
    """What the interactions and invitations of a batch share."""

    messy_rate: float
    p_ts_variant: float
    cosmetic: float
    width: int  # digits of the ids


def settings(plan: ResponsePlan) -> ContactSettings:
    m = plan.spec.messy_rate
    return ContactSettings(m, plan.p_ts_variant, min(0.6, 4.0 * m), plan.contact_width)


@dataclass
class ChunkRows:
    """A chunk's rows for its own file, the rows to add to the next file, and the customer numbers
    they name (before any messy value: what a later batch's CRM extracts must cover)."""

    rows: pa.Table
    next_file: pa.Table
    customers: np.ndarray


def chunk_rows(plan: ResponsePlan, core: ResponseCore, last_file: bool) -> ChunkRows:
    """The interactions of the response slots of a chunk: the surveyed ones of the responses
    first seen here, then the unsurveyed ones, in slot order."""
    rng, s = plan.rng, settings(plan)
    # Surveyed: the first occurrence of a contact-centre response.
    surveyed = np.nonzero(core.has_interaction & ~core.is_resub)[0]
    # Unsurveyed: j = 1 .. SLOTS-1 of every slot, each with probability _P_UNSURVEYED.
    j = np.arange(1, ids.SLOTS, dtype=np.int64)
    candidates = ids.contact_numbers(core.slot[:, None], j[None, :])
    exists = rng.uniform(_I_EXISTS, candidates) < _P_UNSURVEYED
    un_row, un_j = np.nonzero(exists)
    row = np.concatenate([surveyed, un_row])
    jj = np.concatenate([np.zeros(len(surveyed), dtype=np.int64), un_j + 1])
    order = np.lexsort((jj, row))
    row, jj = row[order], jj[order]
    number = ids.contact_numbers(core.slot[row], jj)
    is_surveyed = jj == 0
    channel = np.where(
        is_surveyed, core.channel[row], np.where(rng.uniform(_I_CHANNEL, number) < 0.62, PHONE, CHAT)
    )
    customer = np.where(
        is_surveyed, core.customer[row], customer_of(rng, core.slot[row], _I_CUSTOMER, number)
    )
    agent = np.where(is_surveyed, core.agent[row], rng.below(_I_AGENT, number, AGENTS))
    f = facts(rng, number, channel)
    gap = (30 + 1800 * rng.uniform(_I_GAP, number) ** 2).astype(np.int64)
    before = (rng.uniform(_I_BEFORE, number) * 2 * US_PER_HOUR).astype(np.int64)
    end = np.where(is_surveyed, core.instant[row], plan.position_instant(core.idx[row]) - before)
    started = end - (gap + f.handle + f.wait) * US_PER_SECOND
    codes = timestamp_codes(rng, _I_TS_FMT, number, s.p_ts_variant)
    bool_block = f.resolved.astype(np.int64) + 2 * (rng.uniform(_I_BOOL_FMT, number) < s.cosmetic)
    channel_block = (channel == CHAT).astype(np.int64) + 2 * (
        rng.uniform(_I_CHANNEL_FMT, number) < s.cosmetic
    )
    columns = {
        "interaction_id": ids.interaction_ids(number, s.width),
        "customer_id": ids.customer_ids(customer),
        "agent_id": ids.agent_ids(agent),
        "channel": _CHANNEL_POOL.pick(channel_block, rng.uniform(_I_CHANNEL_FMT + 1000, number)),
        "started_at": render_timestamps(quantise(started, codes), codes),
        "wait_seconds": _numbers(f.wait),
        "handle_seconds": _numbers(f.handle),
        "transfers": _numbers(f.transfers),
        "is_first_contact_resolution": _BOOL_POOL.pick(bool_block, rng.uniform(_I_BOOL_FMT + 1000, number)),
    }
    _apply_messy(rng, s, number, columns)
    table = pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))
    if last_file or s.messy_rate == 0:
        return ChunkRows(table, table.slice(0, 0), customer)
    # Re-exported in the next file: exact duplicates, and corrections of preliminary values.
    duplicate = rng.uniform(_I_DUPLICATE, number) < 0.5 * s.messy_rate
    corrected = ~duplicate & (rng.uniform(_I_CORRECTED, number) < 0.5 * s.messy_rate)
    again = np.nonzero(duplicate | corrected)[0]
    next_rows = table.take(pa.array(again))
    fix = np.nonzero(corrected)[0]
    if len(fix):
        mask = pa.array(corrected)
        columns["transfers"] = pc.if_else(mask, "0", columns["transfers"])
        columns["is_first_contact_resolution"] = pc.if_else(
            mask, "true", columns["is_first_contact_resolution"]
        )
        columns["handle_seconds"] = pc.if_else(mask, _numbers(f.handle // 2), columns["handle_seconds"])
        table = pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))
    return ChunkRows(table, next_rows, customer)


def _numbers(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values, pa.int64()), pa.string())


def _apply_messy(
    rng: CounterRandom, s: ContactSettings, number: np.ndarray, columns: dict[str, pa.Array]
) -> None:
    cases = (
        Case("empty_id", "interaction_id", _BLANKS),
        Case("invalid_started_at", "started_at", INVALID_TIMESTAMPS),
        Case("empty_started_at", "started_at", _BLANKS),
        Case("invalid_wait", "wait_seconds", INVALID_NUMBERS),
        Case("negative_wait", "wait_seconds", NEGATIVE_NUMBERS),
        Case("invalid_handle", "handle_seconds", INVALID_NUMBERS + NEGATIVE_NUMBERS),
        Case("invalid_transfers", "transfers", INVALID_TRANSFERS),
        Case("invalid_boolean", "is_first_contact_resolution", INVALID_BOOLEANS),
        Case("empty_customer", "customer_id", ("",)),
        Case("empty_agent", "agent_id", ("",)),
    )
    assert tuple(c.name for c in cases) == MESSY_CASES
    apply_cases(rng, (_I_MESSY, _I_MESSY_KIND, _I_MESSY_PICK), number, s.messy_rate, cases, columns)
