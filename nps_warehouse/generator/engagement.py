"""Agent engagement: the employee engagement survey's exports (eNPS answers of the agents).

The model
---------
* **Who and when.**  A monthly pulse survey: in each calendar month of the period, every agent
  hired by then (agents.py) answers with probability 0.6, at an instant of that month (within
  the period), one file per month.
* **What.**  ``enps_score`` 0-10 ("How likely are you to recommend working here?") from a latent
  of the agent's team at the time of the answer (agents.py's team history; ``team_d``, worse
  with customers, is disengaged too), the agent's own engagement (the 4% of agents worse with
  customers are less engaged) and noise: so the teams whose customers are less satisfied have a
  lower eNPS, which rpt_team_engagement correlates.  Additions and multiplications only.
* **Re-exports.**  2% of the rows come again, unchanged, at the end of their month's file, and
  1% of a month's rows again at the start of the next month's file (the same answer: the later
  copy is accepted, the earlier superseded).

Messy rows (rates proportional to ``messy_rate``): empty or blank ids, padded ids, an agent the
workforce extracts never name (``AG9xxx``: its team is unknown), invalid or empty
``surveyed_at``, invalid scores (``11``, ``-1``, ``abc``, ``7.5``, ``10/10``, ``n/a``), empty
scores, and valid spellings of a score (``08``, ``9.0``, `` 7 ``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import ids
from .agents import AGENTS, TEAM_EFFECT, AgentModel
from .cases import Case, apply_cases, padded
from .history import month_windows
from .rng import CounterRandom, pair_keys
from .timestamps import US_PER_DAY, civil_from_days, quantise, render_timestamps, timestamp_codes

COLUMNS: tuple[str, ...] = ("agent_id", "surveyed_at", "enps_score")

# Streams (rng.py): 600 - 699.
_E_ANSWERS, _E_INSTANT, _E_OWN, _E_NOISE = 600, 601, 602, 603
_E_REPEAT, _E_CARRY, _E_TS_FMT = 604, 605, 606  # 606 and 607
_E_MESSY, _E_MESSY_KIND, _E_MESSY_PICK, _E_UNKNOWN_AGENT = 620, 621, 622, 623

P_ANSWER = 0.6
_P_REPEAT = 0.02
_P_CARRY = 0.01
#: The latent's parts: a base, the team's effect on the NPS (agents.TEAM_EFFECT) scaled, the
#: disengagement of the agents worse with customers, the spread of agents and of answers.
_BASE = 7.6
_TEAM_SCALE = 2.0
_BAD_AGENT_EFFECT = -1.5
_OWN_SPREAD = 1.2
_NOISE_SPREAD = 1.6

MESSY_CASES: tuple[str, ...] = (
    "empty_id",
    "padded_id",
    "unknown_agent",
    "invalid_surveyed_at",
    "empty_surveyed_at",
    "invalid_score",
    "empty_score",
    "score_variant",
)
INVALID_SCORES: tuple[str, ...] = ("11", "-1", "abc", "7.5", "10/10", "n/a")
INVALID_TIMESTAMPS: tuple[str, ...] = (
    "n/a",
    "31/09/2026 10:00",
    "2026-02-30T08:00:00Z",
    "yesterday",
    "2026-10-01T24:30",
)
_BLANKS: tuple[str, ...] = ("", " ", "\t", "  ")
#: Spellings of a valid score that the rules read back to it, by score 0-10.
_SCORE_VARIANTS: tuple[tuple[str, ...], ...] = tuple(
    (f"0{k}", f"{k}.0", f" {k} ", f"{k}.00") for k in range(11)
)
_UNKNOWN_AGENT_FIRST = 9000


@dataclass(frozen=True)
class EngagementBatch:
    seed: int
    period_start: int
    period_end: int
    messy_rate: float
    p_ts_variant: float


def month_number(instant: int) -> int:
    """A month's number since 1970 (January 1970 is 0), of an instant in microseconds."""
    days = np.floor_divide(np.array([instant], dtype=np.int64), US_PER_DAY)
    year, month, _ = civil_from_days(days)
    return int(year[0]) * 12 + int(month[0]) - 1 - 1970 * 12


def surveys(batch: EngagementBatch) -> list[tuple[int, int]]:
    """The pulse surveys of a batch: one (after, until] window per calendar month of its period."""
    return month_windows(batch.period_start, batch.period_end, batch.period_start)


class EngagementModel:
    """Who answers each monthly survey, when, and what, for one seed."""

    def __init__(self, rng: CounterRandom) -> None:
        self.rng = rng
        self.agents = AgentModel(rng)

    def answers(self, after: int, until: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(agent numbers, instants, scores) of the answers of the survey of (after, until], in
        agent order."""
        rng = self.rng
        everyone = np.arange(AGENTS, dtype=np.int64)
        keys = pair_keys(everyone, month_number(after))
        hired = self.agents.hired_day(everyone) * US_PER_DAY < until
        answering = hired & (rng.uniform(_E_ANSWERS, keys) < P_ANSWER)
        agents, keys = everyone[answering], keys[answering]
        span = until - after - 1
        instant = after + 1 + (rng.uniform(_E_INSTANT, keys) * span).astype(np.int64)
        team = self.agents.team_at(agents, instant)
        latent = (
            _BASE
            + _TEAM_SCALE * TEAM_EFFECT[team]
            + _BAD_AGENT_EFFECT * self.agents.is_bad(agents)
            + _OWN_SPREAD * rng.normal(_E_OWN, agents)
            + _NOISE_SPREAD * rng.noise(_E_NOISE, keys)
        )
        scores = np.clip(np.floor(latent + 0.5), 0, 10).astype(np.int64)
        return agents, instant, scores


def survey_tables(model: EngagementModel, batch: EngagementBatch, index: int) -> Iterator[pa.Table]:
    """The rows of the file of the index-th survey of the batch: the 1% of the previous survey's
    answers exported again, this survey's answers (messy at the batch's rate), then the 2% of
    them exported twice."""
    windows = surveys(batch)
    if index > 0:
        before = _render(model, batch, *windows[index - 1])
        carried = model.rng.uniform(_E_CARRY, _row_keys(before)) < _P_CARRY
        yield before.filter(pa.array(carried))
    table = _render(model, batch, *windows[index])
    yield table
    repeated = model.rng.uniform(_E_REPEAT, _row_keys(table)) < _P_REPEAT
    yield table.filter(pa.array(repeated))


def _row_keys(table: pa.Table) -> np.ndarray:
    """One key per row of a rendered survey: its position, offset by the table's size."""
    return np.arange(table.num_rows, dtype=np.int64) + (table.num_rows << 20)


def _render(model: EngagementModel, batch: EngagementBatch, after: int, until: int) -> pa.Table:
    rng = model.rng
    agents, instant, scores = model.answers(after, until)
    keys = pair_keys(agents, month_number(after))
    codes = timestamp_codes(rng, _E_TS_FMT, keys, batch.p_ts_variant)
    columns = {
        "agent_id": ids.agent_ids(agents),
        "surveyed_at": render_timestamps(quantise(instant, codes), codes),
        "enps_score": pc.cast(pa.array(scores), pa.string()),
    }
    if len(agents) and batch.messy_rate > 0:
        unknown = ids.agent_ids(_UNKNOWN_AGENT_FIRST + rng.below(_E_UNKNOWN_AGENT, keys, 1000))
        variants = pa.array([v for block in _SCORE_VARIANTS for v in block], pa.string())
        cases = (
            Case("empty_id", "agent_id", _BLANKS),
            Case("padded_id", "agent_id", padded(columns["agent_id"], "  ", " ")),
            Case("unknown_agent", "agent_id", lambda rows, _u: unknown.take(pa.array(rows))),
            Case("invalid_surveyed_at", "surveyed_at", INVALID_TIMESTAMPS),
            Case("empty_surveyed_at", "surveyed_at", _BLANKS),
            Case("invalid_score", "enps_score", INVALID_SCORES),
            Case("empty_score", "enps_score", _BLANKS),
            Case(
                "score_variant",
                "enps_score",
                lambda rows, u: variants.take(
                    pa.array(scores[rows] * 4 + np.minimum((u * 4).astype(np.int64), 3))
                ),
            ),
        )
        assert tuple(c.name for c in cases) == MESSY_CASES
        streams = (_E_MESSY, _E_MESSY_KIND, _E_MESSY_PICK)
        apply_cases(rng, streams, keys, 1.2 * batch.messy_rate, cases, columns)
    return pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))
