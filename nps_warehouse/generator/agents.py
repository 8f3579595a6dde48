"""Agents: the workforce system's agent records, with history, and its extracts.

The model
---------
* **Who.**  ``AGENTS`` agents, ``AG0000`` .. ``AG0779``: every agent id a response may name.
  An agent's site, hire date, name and home team are hashes of the agent number.
* **Team history.**  An agent alternates between its home team and another team in *team epochs*
  of 200-700 days (history.py), so about one agent in five changes team in a quarter: the team
  "at the time of a response" differs from the current team.  The manager (``MGnnn``) is the
  manager of the agent's team at its site, so it changes with the team.
* **Performance.**  Each agent has its own effect on the NPS of the responses it handled; 4% of
  agents are clearly worse (-2.2 points of latent), and so is the whole of ``team_d`` (-1.0),
  which an analyst finds by the team *at the time of the response*.
* **Extracts** as the customers': a snapshot (first batch), then one per calendar month with a
  version for each team move and 2% of the other agents repeated identically.

Messy rows (rates proportional to ``messy_rate``): empty or blank ids, padded ids, invalid or
empty ``updated_at``, team and site case/padding variants, unknown teams (``team-b``, ``team g``)
and sites (``paris``), unparseable hire dates, an empty manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import ids
from .cases import Case, apply_cases, padded, variants_of
from .history import Epochs, Extract, epochs, pair, plan_extracts
from .reference import SITES, TEAMS
from .rng import CounterRandom
from .text import Pool, case_and_padding_variants
from .timestamps import (
    US_PER_DAY,
    US_PER_HOUR,
    days_since_epoch,
    quantise,
    render_dates,
    render_timestamps,
    timestamp_codes,
)

COLUMNS: tuple[str, ...] = ("agent_id", "updated_at", "agent_name", "team", "site", "manager_id", "hired_on")
AGENTS = 780

# Streams (rng.py); 40 is the responses' historical agent effect.
_A_EFFECT = 40
_A_SITE, _A_HIRED, _A_FIRST, _A_LAST, _A_HOME_TEAM, _A_BAD = range(300, 306)
_A_TEAM_LENGTH, _A_TEAM_PHASE, _A_TEAM_HOUR, _A_OTHER_TEAM = range(306, 310)
_A_REPEAT, _A_TS_FMT = 310, 311  # 311 and 312
_A_MESSY, _A_MESSY_KIND, _A_MESSY_PICK = 320, 321, 322

#: Team effects on the NPS latent (team_a .. team_f): team_d clearly worse.
TEAM_EFFECT = np.array([0.15, 0.0, 0.1, -1.0, -0.05, 0.2])
_TEAM_WEIGHTS = (0.2, 0.2, 0.17, 0.15, 0.14, 0.14)
_SITE_WEIGHTS = (0.35, 0.25, 0.25, 0.15)
BAD_AGENT_SHARE = 0.04
BAD_AGENT_EFFECT = -2.2
_TEAM_LENGTH_DAYS = (200, 700)
_HIRED_FIRST_DAY = days_since_epoch(date(2012, 1, 1))
_HIRED_LAST_DAY = days_since_epoch(date(2026, 5, 31))
_P_REPEAT = 0.02

_FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Hélène", "Zoé", "Noémie",
    "Lucas", "Hugo", "Jérôme", "Nathan", "Thomas", "Éric", "Maxime", "François", "Julien", "Karim",
    "Yasmine", "Mehdi", "Sofia", "Priya", "Sébastien", "Amandine", "Rémi", "Aurélie",
)  # fmt: skip
_LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "David", "Bertrand", "Roux",
    "Fournier", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "Nguyen", "Benali",
)  # fmt: skip
_FIRST_STRINGS = pa.array(list(_FIRST_NAMES), pa.string())
_LAST_STRINGS = pa.array(list(_LAST_NAMES), pa.string())
_TEAM_STRINGS = pa.array(list(TEAMS), pa.string())
_SITE_STRINGS = pa.array(list(SITES), pa.string())

MESSY_CASES: tuple[str, ...] = (
    "empty_id",
    "padded_id",
    "invalid_updated_at",
    "empty_updated_at",
    "team_variant",
    "unknown_team",
    "site_variant",
    "unknown_site",
    "invalid_hired_on",
    "empty_manager",
)
UNKNOWN_TEAMS: tuple[str, ...] = ("team-b", "team g", "teamd", "Team B")
UNKNOWN_SITES: tuple[str, ...] = ("paris", "Lyon 2", "remote")
INVALID_DATES: tuple[str, ...] = ("31/02/2019", "n/a", "2019-02-30", "2019-13-01", "15/03/2018", "")
INVALID_TIMESTAMPS: tuple[str, ...] = (
    "n/a",
    "31/02/2026 08:00",
    "2026-09-31T08:00:00Z",
    "today",
    "2026-10-01T25:00",
)
_BLANKS: tuple[str, ...] = ("", " ", "\t", "  ")
_TEAM_VARIANTS = Pool([case_and_padding_variants(t) for t in TEAMS])
_SITE_VARIANTS = Pool([case_and_padding_variants(s) for s in SITES])


class AgentModel:
    """Attributes and history of agents, for one seed."""

    def __init__(self, rng: CounterRandom) -> None:
        self.rng = rng

    def site(self, agents: np.ndarray) -> np.ndarray:
        return self.rng.choice(_A_SITE, agents, _SITE_WEIGHTS)

    def hired_day(self, agents: np.ndarray) -> np.ndarray:
        return _HIRED_FIRST_DAY + self.rng.below(_A_HIRED, agents, _HIRED_LAST_DAY - _HIRED_FIRST_DAY + 1)

    def team_epochs(self, agents: np.ndarray) -> Epochs:
        return epochs(self.rng, agents, (_A_TEAM_LENGTH, _A_TEAM_PHASE, _A_TEAM_HOUR), _TEAM_LENGTH_DAYS)

    def team_in_epoch(self, agents: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        """The home team in even epochs, another team in odd ones (each boundary is a move)."""
        home = self.rng.choice(_A_HOME_TEAM, agents, _TEAM_WEIGHTS)
        other = (home + 1 + self.rng.below(_A_OTHER_TEAM, pair(agents, epoch), len(TEAMS) - 1)) % len(TEAMS)
        return np.where(epoch % 2 == 1, other, home)

    def team_at(self, agents: np.ndarray, instant: np.ndarray) -> np.ndarray:
        return self.team_in_epoch(agents, self.team_epochs(agents).index(instant))

    def effect(self, agents: np.ndarray, instant: np.ndarray) -> np.ndarray:
        """The agent's effect on the NPS latent of a response it handled at instant."""
        rng = self.rng
        own = (rng.uniform(_A_EFFECT, agents) - 0.5) * 1.4
        bad = rng.uniform(_A_BAD, agents) < BAD_AGENT_SHARE
        return own + BAD_AGENT_EFFECT * bad + TEAM_EFFECT[self.team_at(agents, instant)]

    def is_bad(self, agents: np.ndarray) -> np.ndarray:
        return self.rng.uniform(_A_BAD, agents) < BAD_AGENT_SHARE

    def last_change(self, agents: np.ndarray, instant: np.ndarray) -> np.ndarray:
        team = self.team_epochs(agents)
        hired = self.hired_day(agents) * US_PER_DAY + 9 * US_PER_HOUR
        return np.maximum(hired, team.start(team.index(instant)))


def manager_numbers(team: np.ndarray, site: np.ndarray) -> np.ndarray:
    """The manager of a team at a site."""
    return 1 + team * len(SITES) + site


@dataclass(frozen=True)
class AgentBatch:
    seed: int
    period_start: int
    period_end: int
    snapshot: bool
    messy_rate: float
    p_ts_variant: float


def extracts(batch: AgentBatch) -> list[Extract]:
    return plan_extracts(batch.period_start, batch.period_end, batch.snapshot)


def extract_tables(model: AgentModel, batch: AgentBatch, extract: Extract) -> Iterator[pa.Table]:
    """The rows of an extract (in agent order, then time)."""
    agents = np.arange(AGENTS, dtype=np.int64)
    if extract.snapshot:
        instant = np.full(AGENTS, extract.until, dtype=np.int64)
        yield _render(model, batch, extract, agents, instant, model.last_change(agents, instant))
        return
    team = model.team_epochs(agents)
    start = team.start(team.index(np.full(AGENTS, extract.until - 1, dtype=np.int64)))
    moved = start > extract.after
    repeat = (model.rng.uniform(_A_REPEAT, pair(agents, extract.index + 1)) < _P_REPEAT) & ~moved
    if not batch.snapshot and extract.index == 0:
        repeat |= ~moved  # a later batch's first extract: every agent, as the workforce system sends it
    rows = np.concatenate([agents[moved], agents[repeat]])
    instant = np.concatenate([start[moved], np.full(int(repeat.sum()), extract.after, dtype=np.int64)])
    order = np.lexsort((instant, rows))
    rows, instant = rows[order], instant[order]
    yield _render(model, batch, extract, rows, instant, model.last_change(rows, instant))


def _render(
    model: AgentModel,
    batch: AgentBatch,
    extract: Extract,
    agents: np.ndarray,
    instant: np.ndarray,
    updated: np.ndarray,
) -> pa.Table:
    rng = model.rng
    team = model.team_at(agents, instant)
    site = model.site(agents)
    first = _FIRST_STRINGS.take(pa.array(rng.below(_A_FIRST, agents, len(_FIRST_NAMES))))
    last = _LAST_STRINGS.take(pa.array(rng.below(_A_LAST, agents, len(_LAST_NAMES))))
    key = pair(agents, extract.index) ^ updated
    codes = timestamp_codes(rng, _A_TS_FMT, key, batch.p_ts_variant)
    columns = {
        "agent_id": ids.agent_ids(agents),
        "updated_at": render_timestamps(quantise(updated, codes), codes),
        "agent_name": pc.binary_join_element_wise(first, last, " "),
        "team": _TEAM_STRINGS.take(pa.array(team)),
        "site": _SITE_STRINGS.take(pa.array(site)),
        "manager_id": ids.manager_ids(manager_numbers(team, site)),
        "hired_on": render_dates(model.hired_day(agents)),
    }
    if len(agents) and batch.messy_rate > 0:
        _apply_messy(rng, batch, key, columns, team, site)
    return pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))


def _apply_messy(
    rng: CounterRandom,
    batch: AgentBatch,
    key: np.ndarray,
    columns: dict[str, pa.Array],
    team: np.ndarray,
    site: np.ndarray,
) -> None:
    cases = (
        Case("empty_id", "agent_id", _BLANKS),
        Case("padded_id", "agent_id", padded(columns["agent_id"], "  ", " ")),
        Case("invalid_updated_at", "updated_at", INVALID_TIMESTAMPS),
        Case("empty_updated_at", "updated_at", _BLANKS),
        Case("team_variant", "team", variants_of(_TEAM_VARIANTS, team)),
        Case("unknown_team", "team", UNKNOWN_TEAMS),
        Case("site_variant", "site", variants_of(_SITE_VARIANTS, site)),
        Case("unknown_site", "site", UNKNOWN_SITES),
        Case("invalid_hired_on", "hired_on", INVALID_DATES),
        Case("empty_manager", "manager_id", ("",)),
    )
    assert tuple(c.name for c in cases) == MESSY_CASES
    apply_cases(rng, (_A_MESSY, _A_MESSY_KIND, _A_MESSY_PICK), key, 2.0 * batch.messy_rate, cases, columns)
