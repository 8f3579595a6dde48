"""Responses for checking the alerts' false-alarm rate: scores that do not change over time.

Every response draws its NPS score from the same distribution (45 % promoters, 35 % passives,
20 % detractors: NPS 25) and its CSAT from another fixed one, whatever its day, channel, region
or segment - so every significant change the warehouse reports on them is a false alarm. A
``PlantedDrop`` lowers the NPS of one region from a given day on by moving promoters to
detractors (15 points: 7.5 % of the responses move), the effect an alert must find.
Deterministic for a seed; written as one CSV file of the responses' landing contract.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from .reference import CHANNELS, REGIONS, SEGMENTS

#: NPS score shares of every response: detractors 0-6, passives 7-8, promoters 9-10.
PROMOTER_SHARE = 0.45
DETRACTOR_SHARE = 0.20
#: CSAT 1-5 shares (70 % satisfied).
CSAT_SHARES = (0.05, 0.10, 0.15, 0.35, 0.35)

COLUMNS = ("response_id", "submitted_at", "score", "csat_score", "channel", "region", "segment")


@dataclass(frozen=True)
class PlantedDrop:
    """From ``start`` on, responses of ``region`` lose ``points`` of NPS."""

    region: str
    start: date
    points: float = 15.0


def _scores(rng: np.random.Generator, rows: int, promoters: np.ndarray, detractors: np.ndarray) -> np.ndarray:
    draw = rng.random(rows)
    promoter = draw < promoters
    detractor = draw >= 1 - detractors
    return np.where(
        promoter,
        rng.integers(9, 11, rows),
        np.where(detractor, rng.integers(0, 7, rows), rng.integers(7, 9, rows)),
    )


def write_stationary_responses(
    path: str | os.PathLike[str],
    *,
    rows: int,
    start_date: date,
    days: int,
    seed: int,
    drop: PlantedDrop | None = None,
) -> Path:
    """Write ``rows`` responses spread evenly over ``days`` days from ``start_date`` to ``path``
    (CSV), none with an effect of time, channel, region or segment - but ``drop``."""
    if rows < 1 or days < 1:
        raise ValueError("rows and days must be at least 1")
    rng = np.random.default_rng(seed)
    day = rng.integers(0, days, rows)
    second = rng.integers(0, 86_400, rows)
    region = rng.integers(0, len(REGIONS), rows)
    promoters = np.full(rows, PROMOTER_SHARE)
    detractors = np.full(rows, DETRACTOR_SHARE)
    if drop is not None:
        moved = drop.points / 200
        hit = (np.array(REGIONS)[region] == drop.region) & (day >= (drop.start - start_date).days)
        promoters = np.where(hit, promoters - moved, promoters)
        detractors = np.where(hit, detractors + moved, detractors)
    score = _scores(rng, rows, promoters, detractors)
    csat = rng.choice(np.arange(1, 6), rows, p=CSAT_SHARES)
    channel = rng.integers(0, len(CHANNELS), rows)
    segment = rng.integers(0, len(SEGMENTS), rows)
    origin = datetime(start_date.year, start_date.month, start_date.day, tzinfo=UTC)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index in range(rows):
            submitted = origin + timedelta(days=int(day[index]), seconds=int(second[index]))
            writer.writerow(
                (
                    f"sim-{index + 1:07d}",
                    submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    int(score[index]),
                    int(csat[index]),
                    CHANNELS[channel[index]],
                    REGIONS[region[index]],
                    SEGMENTS[segment[index]],
                )
            )
    return target
