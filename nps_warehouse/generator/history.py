"""History shared by the extract sources (customers, agents): epochs and extract windows.

An attribute with history (a customer's tier or address, an agent's team) changes at the
boundaries of periodic *epochs*: epoch ``k`` of an entity starts at ``k * length - shift``
(microseconds since 1970), length and shift being hashes of the entity.  The state at any
instant is then a function of the entity and the instant alone, so every batch and every chunk
agree on it, whatever period they cover.

A batch of extracts covers its period: an initial snapshot (first batch only) dated 03:00 UTC the
day before the period, then one extract per calendar month holding what changed in
(``after``, ``until``]; the first window starts at the snapshot, or, in a later batch, at the
period's start (where the earlier batch's last window ended).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .rng import CounterRandom
from .timestamps import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, civil_from_days, days_since_epoch


@dataclass
class Epochs:
    """Periodic epochs of entities: epoch k starts at k * length - shift (microseconds)."""

    length: np.ndarray
    shift: np.ndarray

    def index(self, instant: np.ndarray) -> np.ndarray:
        return np.floor_divide(instant + self.shift, self.length)

    def start(self, epoch: np.ndarray) -> np.ndarray:
        return epoch * self.length - self.shift


def epochs(
    rng: CounterRandom, keys: np.ndarray, streams: tuple[int, int, int], days: tuple[int, int]
) -> Epochs:
    """Epochs of days[0] .. days[1] days, with a random phase, starting between 07:00 and 20:00 UTC."""
    length_stream, phase_stream, hour_stream = streams
    length_days = days[0] + rng.below(length_stream, keys, days[1] - days[0] + 1)
    phase_days = rng.below(phase_stream, keys, length_days)
    minute = 7 * 60 + rng.below(hour_stream, keys, 13 * 60)
    return Epochs(length_days * US_PER_DAY, phase_days * US_PER_DAY - minute * US_PER_MINUTE)


def pair(entities: np.ndarray, epoch: np.ndarray | int) -> np.ndarray:
    """One key per (entity, epoch or extract)."""
    return np.asarray(entities, dtype=np.int64) * 4096 + epoch


@dataclass(frozen=True)
class Extract:
    """One extract: a snapshot as of ``until``, or the changes in (``after``, ``until``]."""

    index: int  # position among the batch's extracts
    snapshot: bool
    after: int  # microseconds
    until: int


def month_windows(period_start: int, period_end: int, after: int) -> list[tuple[int, int]]:
    """(after, until] windows up to period_end, cut at the first of each month."""
    windows = []
    day = int(np.floor_divide(period_start, US_PER_DAY))
    while after < period_end:
        year, month, _ = (int(v[0]) for v in civil_from_days(np.array([day])))
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        next_day = days_since_epoch(date(next_year, next_month, 1))
        until = min(next_day * US_PER_DAY, period_end)
        windows.append((after, until))
        after, day = until, next_day
    return windows


def plan_extracts(period_start: int, period_end: int, snapshot: bool) -> list[Extract]:
    """The extracts of a batch: the snapshot (when asked) and one per calendar month from it; a
    batch without a snapshot starts where the earlier batch ended, at its period's start."""
    snapshot_at = period_start - 21 * US_PER_HOUR
    out: list[Extract] = []
    if snapshot:
        out.append(Extract(0, True, snapshot_at, snapshot_at))
    for after, until in month_windows(period_start, period_end, snapshot_at if snapshot else period_start):
        out.append(Extract(len(out), False, after, until))
    return out
