"""Sample Delighted exports: the CSV of Delighted's responses export.

The format: one header row of title-case names for the fields of Delighted's survey-response
API (``Response ID``, ``Person ID``, ``Email``, ``Name``, ``Score``, ``Comment``, ``Created At``,
``Updated At``, ``Permalink``, ``Tags``, ``Notes``) followed by the person properties, Delighted's
own (``Delighted Source``: Email, SMS, Web, Link) and the sender's (``Customer ID``, ``Region``,
...). Timestamps are local times with their offset: ``2026-11-03 14:22:05 -0500``.
"""

from __future__ import annotations

import csv
import random
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from nps_warehouse.sample_exports.common import Answer

HEADER = (
    "Response ID",
    "Person ID",
    "Email",
    "Name",
    "Score",
    "Comment",
    "Created At",
    "Updated At",
    "Permalink",
    "Tags",
    "Notes",
    "Delighted Source",
    "Customer ID",
    "Region",
    "Segment",
)
CHANNELS = ("Email", "SMS", "Web", "Link")


def _stamp(moment, zone: ZoneInfo) -> str:
    """``YYYY-MM-DD HH:MM:SS -0500``: the local time and its offset."""
    return moment.replace(tzinfo=zone).strftime("%Y-%m-%d %H:%M:%S %z")


def write_delighted_export(
    path: Path,
    answers: list[Answer],
    *,
    timezone: str = "America/New_York",
    messy: bool = True,
    seed: int = 2,
    id_offset: int = 1_000_000,
) -> Path:
    """Writes ``answers`` as a Delighted CSV export. With ``messy``, a few scores are missing or
    written as words, and a few comments hold quotes and line breaks (they already do)."""
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for answer in answers:
            score = "" if answer.score is None else str(answer.score)
            if messy:
                roll = rng.random()
                if roll < 0.02:
                    score = ""
                elif roll < 0.03:
                    score = "ten"
            created = answer.local_time
            writer.writerow(
                [
                    str(id_offset + answer.number),
                    str(50_000 + int(answer.customer[1:])),
                    f"{answer.customer.lower()}@example.com",
                    "",
                    score,
                    answer.comment,
                    _stamp(created, zone),
                    _stamp(created + timedelta(minutes=rng.randrange(0, 90)), zone),
                    f"https://app.delighted.com/r/{answer.number:08d}",
                    "",
                    "",
                    answer.channel,
                    answer.customer,
                    answer.region,
                    answer.segment,
                ]
            )
    return path
