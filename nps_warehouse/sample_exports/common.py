"""What the sample exports have in common: a stream of synthetic survey answers, each a plain
record, that every tool's writer renders in its own export format.

An answer is drawn from explicit lists with a seeded ``random.Random``, so a seed decides a set
of exports byte for byte. Scores depend a little on the channel and the region so that the
marts built from them are not flat; comments are French and English, with the commas, quotes,
semicolons, line breaks and accents real verbatims hold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

COMMENTS_FR = (
    "Très bien, merci !",
    "Conseillère très aimable; problème réglé en 5 minutes",
    'Attente trop longue, "musique" insupportable',
    "Livraison en retard\nmais colis intact",
    "Pas mal du tout",
    "Déçu : 2 appels pour rien…",
    "Facture à 49,90 € au lieu de 39,90 €",
    "Cœur sur l\u2019équipe",  # a typographic apostrophe, as Word and Excel write it
)
COMMENTS_EN = (
    "Great service, thanks!",
    "The app keeps logging me out",
    'Agent was "helpful"; issue solved',
    "Slow delivery,\nwrong item",
    "Not happy at all",
    "",
)
REGIONS = ("IDF", "ARA", "PAC", "OCC", "NAQ", "HDF", "BRE", "GES")
SEGMENTS = ("consumer", "smb", "enterprise", "vip")


@dataclass(frozen=True)
class Answer:
    """One synthetic survey answer, before any tool writes it."""

    number: int
    #: local wall-clock time of the answer in the export's time zone
    local_time: datetime
    score: int | None
    channel: str
    region: str
    segment: str
    customer: str
    agent: str
    language: str
    comment: str
    csat: int


def answers(seed: int, count: int, start: datetime, days: int, channels: tuple[str, ...]) -> list[Answer]:
    """``count`` answers spread over ``days`` days from ``start`` (local time), in time order."""
    rng = random.Random(seed)
    moments = sorted(start + timedelta(seconds=rng.randrange(days * 86400)) for _ in range(count))
    drawn = []
    for number, moment in enumerate(moments, start=1):
        channel = rng.choice(channels)
        region = rng.choice(REGIONS)
        lean = 1.0 if channel.lower() in ("sms", "in_app", "web", "anonymous") else 0.0
        lean -= 1.0 if region in ("PAC", "HDF") else 0.0
        score = max(0, min(10, round(rng.gauss(7.6 + lean, 2.2))))
        language = "fr" if rng.random() < 0.7 else "en"
        comments = COMMENTS_FR if language == "fr" else COMMENTS_EN
        drawn.append(
            Answer(
                number=number,
                local_time=moment,
                score=score,
                channel=channel,
                region=region,
                segment=rng.choice(SEGMENTS),
                customer=f"C{rng.randrange(1, 400):05d}",
                agent=f"AG{rng.randrange(1, 25):03d}",
                language=language,
                comment=rng.choice(comments) if rng.random() < 0.6 else "",
                csat=max(1, min(5, round(score / 2.2 + rng.gauss(0, 0.6)))),
            )
        )
    return drawn


def nps_group(score: int | None) -> str:
    """Qualtrics' NPS group code of a score: 1 detractor, 2 passive, 3 promoter."""
    if score is None:
        return ""
    return "3" if score >= 9 else "2" if score >= 7 else "1"
