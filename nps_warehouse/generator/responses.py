"""Responses: synthetic NPS survey exports that follow the landing contract of the project README.

The generator writes raw survey exports (CSV, gzip-compressed CSV or Parquet) with the ten core
columns of the contract, ``language`` (``fr``/``en``) and the CX programme's columns: where the
survey was asked (``touchpoint``, ``brand``, ``business_unit``, usually empty so that the survey's
defaults of the nps_surveys seed apply), the contact it follows (``interaction_id`` of the
interactions source, ``invitation_id`` of the invitations source) and the CSAT (1-5) and CES (1-7,
7 = very easy) answers asked beside NPS.  Every value is a string (Parquet: all ``string``
columns, an empty field written as null).

Design
------
* **Counter-based randomness** (``rng.py``).  Every random draw is a hash of ``(seed, stream,
  key)`` where the key is a row slot, a response number, a customer number or an agent number.
  Any row can be recomputed on its own (only running counts of anomalies are carried from chunk
  to chunk), so the output does not depend on the chunk size, memory use does not grow with the
  row count, and a resubmission can look up the row it resubmits without storing it.
* **Rows are time-ordered.**  Row ``i`` of a batch sits at position ``(i + jitter) / rows`` of the
  history and is mapped to a timestamp through cumulative day weights (fewer answers at weekends)
  and an intraday profile, so files split in row order cover consecutive periods (apart from
  stale copies and timestamps written without seconds, timestamps follow the row order).
* **Realistic scores.**  A latent score depends on the channel (in-app and chat higher, phone/IVR
  lower), the segment, the region, the customer's loyalty tier and age band at the time of the
  response (customers.py), the agent and its team at that time (agents.py: a few agents and
  team_d clearly worse), the contact-centre interaction's wait, transfers and first-contact
  resolution (interactions.py), a yearly trend, weekly seasonality and a two-week phone/chat
  incident in September 2026, plus noise and a share of angry customers.  CSAT and CES are read
  off the same latent with their own noise (CES also follows the interaction's effort).  Only
  additions and multiplications are used, so the scores are the same on every platform.
* **Who.**  A response number fixes its customer (customers.py: the customer universe grows with
  the response numbers), channel, survey, agent (any of agents.AGENTS), interaction and
  invitation (ids.py); the region written is where the customer lives at the time.
* **Messiness.**  ``messy_rate`` is the share of rows with an anomaly in ``response_id``,
  ``submitted_at`` or ``score`` (valid but unusual spellings as well as invalid values, sometimes
  several at once); about half as many rows again get a case of the three metrics (an unusual
  CSAT/CES spelling, an invalid CSAT/CES beside a valid NPS, NPS empty or invalid beside a valid
  CSAT/CES, all three empty or invalid).  Cosmetic variations (channel spellings, padded or
  lower-cased regions, touchpoints or brands, offsets and fractions in timestamps, empty fields,
  unmapped channels or touchpoints, unknown regions, invitations nobody sent) occur at rates
  proportional to it; ``messy_rate=0`` gives clean files.
* **Resubmissions.**  A share ``resubmit_rate`` of rows reuses the response id of an earlier row
  of the batch (usually with a later timestamp; some with exactly the same instant, some older
  "stale" copies, some invalid), or, with ``resubmit_from_range``, a response number of an earlier
  batch.  A response number fixes the customer, channel, survey, agent, interaction and
  invitation, so a resubmission of an earlier batch's response (same seed) keeps its attributes.

Only Latin letters with common French accents are used in channel, region and segment values, so
Python's ``str.lower``/``str.upper``/accent stripping and DuckDB's agree on them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import ids
from .agents import AGENTS, AgentModel
from .cases import CaseCycler, cycled_kinds
from .customers import AGE_EFFECT, TIER_EFFECT, CustomerModel, customer_of, language_of, segment_of
from .interactions import effect as interaction_effect
from .interactions import effort as interaction_effort
from .interactions import facts as interaction_facts
from .reference import (
    AGENT_PRESENT,
    BRANDS,
    BUSINESS_UNITS,
    CHANNEL_CLEAN,
    CHANNEL_EFFECT,
    CHANNEL_VARIANTS,
    CHANNEL_WEIGHTS,
    CHANNELS,
    CHAT,
    OFF_LIST_SEGMENTS,
    PHONE,
    REGION_EFFECT,
    REGIONS,
    SEGMENT_EFFECT,
    SEGMENT_VARIANTS,
    SEGMENTS,
    SURVEY_IDS,
    SURVEYS,
    SURVEYS_BY_CHANNEL,
    TOUCHPOINTS,
    UNKNOWN_REGIONS,
    UNMAPPED_CHANNELS,
)
from .rng import CounterRandom
from .text import (
    EMPTY_VALUES,
    Pool,
    blank_or_pad,
    case_and_padding_variants,
    pick_with_kinds,
    prefixed_numbers,
    replace_rows,
)
from .timestamps import (
    TS_QUANTUM,
    TS_SAME_PRECISION,
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    days_since_epoch,
    render_timestamps,
    timestamp_codes,
    utc_datetime,
)
from .writers import (
    FORMATS,
    TableFileWriter,
    check_prefix,
    output_file_names,
    prepare_output,
)

COLUMNS: tuple[str, ...] = (
    "response_id",
    "survey_id",
    "customer_id",
    "submitted_at",
    "channel",
    "region",
    "segment",
    "agent_id",
    "score",
    "comment",
)
EXTRA_COLUMNS: tuple[str, ...] = ("language",)
#: The CX programme's columns, after the core ones and language.
PROGRAMME_COLUMNS: tuple[str, ...] = (
    "touchpoint",
    "brand",
    "business_unit",
    "interaction_id",
    "invitation_id",
    "csat_score",
    "ces_score",
)
OUTPUT_COLUMNS: tuple[str, ...] = COLUMNS + EXTRA_COLUMNS + PROGRAMME_COLUMNS

DEFAULT_SEED = 20261031
DEFAULT_ROWS = 5_000
DEFAULT_START_DATE = date(2026, 8, 3)
DEFAULT_DAYS = 90
DEFAULT_RESUBMIT_RATE = 0.03
DEFAULT_MESSY_RATE = 0.05
DEFAULT_CHUNK_ROWS = 200_000
MAX_CHUNK_ROWS = 2_000_000  # keeps every string column of a chunk far below 2 GiB
DEFAULT_PREFIX = "responses"

ProgressCallback = Callable[[int, int, Path], None]
"""Called after every chunk with (rows written so far, total rows, file being written)."""

_TREND_REFERENCE = date(2026, 1, 1)
_INCIDENT = (date(2026, 9, 14), date(2026, 9, 28))  # phone / chat outage: [first day, end day)

# Answers per weekday (Monday first) and per UTC hour.
_WEEKDAY_VOLUME = (1.15, 1.1, 1.05, 1.05, 1.0, 0.7, 0.55)
_WEEKDAY_EFFECT = np.array([-0.15, -0.05, 0.0, 0.0, 0.1, 0.2, 0.1])
_HOUR_VOLUME = (
    0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 4.0, 5.0, 5.5, 5.5,
    5.0, 5.5, 5.5, 5.0, 4.5, 4.5, 4.0, 3.5, 2.5, 1.5, 0.8, 0.4,
)  # fmt: skip

# Surveys: which ask CSAT (transactional ones, most rows) and CES (call, chat, web).
_SURVEY_INDEX = {s.survey_id: k for k, s in enumerate(SURVEYS)}
_CSAT_ASKED = np.array([0.0 if s.survey_type == "relationship" else 0.85 for s in SURVEYS])
_CES_ASKED = np.array(
    [0.8 if s.survey_id in ("TNPS-CALL", "TNPS-CHAT", "TNPS-WEB") else 0.0 for s in SURVEYS]
)
# Exports that carry touchpoint / brand / business unit: most of the store and delivery surveys'.
_CARRIES_CODES = np.array([0.9 if s.survey_id in ("TNPS-STORE", "TNPS-DELIVERY") else 0.04 for s in SURVEYS])
_CODE_PRESENT = (0.95, 0.85, 0.75)  # touchpoint, brand, business unit, when the export carries them
# Valid values other than the seed's (a non-empty value wins): deliveries of the main brand,
# click-and-collect orders of the store survey booked by the digital unit.
_BRAND_OVERRIDE = ("TNPS-DELIVERY", "nova", 0.2)
_UNIT_OVERRIDE = ("TNPS-STORE", "digital", 0.08)
UNMAPPED_TOUCHPOINTS: tuple[str, ...] = ("shop", "Shop", "magasin", "home delivery")
UNMAPPED_BRANDS: tuple[str, ...] = ("Nova Express", "novaexpress", "Nova-Express", "nova express")
UNMAPPED_BUSINESS_UNITS: tuple[str, ...] = ("digitall", "Digitall", "retial", "customer service")


_COMMENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("fr", "detractor"): (
        "Temps d'attente beaucoup trop long au téléphone.",
        "Personne n'a su répondre à ma question, très déçu.",
        "Le conseiller m'a dit \"ce n'est pas possible\", sans explication.",
        "Facture erronée, deuxième fois ce trimestre.",
        "Livraison en retard, aucun suivi, aucune excuse.",
        "Application qui plante à chaque mise à jour",
        "On m'a raccroché au nez.",
        "Trop cher pour la qualité du service.",
        "J'ai dû rappeler 4 fois, c'est inadmissible !",
        "Service client injoignable",
        "Produit reçu abîmé, remboursement toujours en attente.",
        "Très mauvaise expérience ; je vais résilier.",
        "Le serveur vocal tourne en rond : « tapez 1 », « tapez 2 »...",
        "Rappelez-moi au 06 12 34 56 78, personne ne répond jamais.",
        "Débité deux fois sur ma carte 5555 5555 5555 4444 "
        "(commande CMD-2026-004512 du 12/09/2026, 49,99 €).",
        "Écrivez-moi à jean.dupont@example.fr, le service client est injoignable.",
    ),
    ("fr", "passive"): (
        "Correct, sans plus.",
        "Bon service mais délais un peu longs.",
        "Conseiller aimable, mais le problème n'est pas encore réglé.",
        "Ça dépanne. Les prix ont augmenté.",
        "Rien à signaler",
        "Site pratique, même si la navigation est parfois lente.",
        "Plutôt satisfait, quelques bugs dans l'appli.",
        "Moyen : réponse rapide mais incomplète.",
        'Le "suivi de commande" n\'est pas toujours à jour.',
        "Mon IBAN a changé : FR76 3000 6000 0112 3456 7890 189, à mettre à jour svp.",
        "Joignable au +33 6 98 76 54 32 après 18h, le délai de réponse est un peu long.",
    ),
    ("fr", "promoter"): (
        "Très bon accueil, merci !",
        "Conseillère au top, problème réglé en 5 minutes.",
        "Rapide, efficace, je recommande.",
        "Super appli, très simple à utiliser.",
        "Toujours un plaisir, équipe très réactive.",
        "Merci à Sébastien pour son aide précieuse.",
        "Livraison rapide et produit conforme.",
        "Service impeccable, comme d'habitude.",
        "Parfait 👍",
        'Le "chat" en ligne m\'a bien aidé, bravo.',
        "Réponse claire, à l'écoute, rien à redire.",
    ),
    ("en", "detractor"): (
        "Waited over 40 minutes on the phone.",
        "Nobody could answer my question, very disappointed.",
        'The agent just said "not possible", no explanation.',
        "Wrong invoice, again, second time this quarter.",
        "Late delivery, no tracking, no apology.",
        "The app crashes after every update",
        "They hung up on me.",
        "Too expensive for the service you get.",
        "Had to call back 4 times, unacceptable!",
        "Customer service is unreachable",
        "Item arrived damaged; still waiting for the refund.",
        "Call me back on +44 20 7946 0958, nobody ever answers.",
        "Charged twice on card 4111 1111 1111 1111 for order #A12345 ($120.50).",
        "Email me at john.smith@example.com, still no refund.",
    ),
    ("en", "passive"): (
        "OK, nothing special.",
        "Good service but slow turnaround.",
        "Friendly agent, but the issue is not fixed yet.",
        "Does the job. Prices went up, though.",
        "Nothing to report",
        "Website is handy, sometimes slow.",
        'The "order tracking" page is not always up to date.',
        "Please update my number to (415) 555-2671, the app keeps the old one.",
    ),
    ("en", "promoter"): (
        "Great welcome, thank you!",
        "Brilliant agent, fixed my problem in 5 minutes.",
        "Fast, efficient, I recommend.",
        "Great app, very easy to use.",
        "Always a pleasure, very responsive team.",
        "Thanks to Priya for her help.",
        "Quick delivery, product as described.",
        "Spotless service, as usual :)",
        "Perfect 👍",
    ),
}
_COMMENT_JOINERS = (" ", " ", " ", "\n", "\n", "\r\n", " - ", " ", "\n\n")
_LANGS = ("fr", "en")
_CATEGORIES = ("detractor", "passive", "promoter")
_COMMENT_PROBABILITY = np.array([0.7, 0.4, 0.5])


# Stream ids (rng.py lists the ranges): one per independent draw.
_S_JITTER, _S_RESUB, _S_RESUB_KIND, _S_LAG_MODE, _S_LAG, _S_RANGE, _S_STALE, _S_TIE_FMT = range(1, 9)
# 20 (the customer of a response number), 30-32 (a customer's home region, segment, language)
# and 40 (an agent's own effect) are drawn in customers.py and agents.py.
_N_CHANNEL, _N_SURVEY, _N_AGENT, _N_AGENT_PRESENT = range(21, 25)
_R_NOISE, _R_ANGRY, _R_ANGRY_NOISE, _R_COMMENT_HAS, _R_COMMENT_SHAPE, _R_COMMENT_PICK = range(50, 56)
_R_COMMENT_DECOR = 58
_R_TS_FMT, _R_TS_PICK, _R_CH_KIND, _R_CH_PICK, _R_REG_KIND, _R_REG_PICK, _R_SEG_KIND = range(60, 67)
_R_SEG_PICK, _R_CUST_KIND, _R_AGENT_KIND, _R_SURVEY_KIND, _R_PAD = range(67, 72)
_R_MESSY, _R_MESSY_FIELD, _R_MESSY_2, _R_MESSY_3, _R_MESSY_K0, _R_MESSY_K1, _R_MESSY_K2 = range(80, 87)
_R_MESSY_CYCLE, _R_MESSY_OTHER = 87, 90
# The CX programme's columns.
_N_CSAT_ASKED, _N_CES_ASKED, _N_CARRIES, _N_OVERRIDE, _N_UNKNOWN_INVITATION = range(100, 105)
_R_CSAT_NOISE, _R_CES_NOISE = 110, 111
_R_CODE_PRESENT, _R_CODE_KIND, _R_CODE_PICK = 120, 123, 126  # + 0, 1, 2 for the three columns
_R_METRIC, _R_METRIC_CYCLE, _R_METRIC_PICK, _R_METRIC_PICK_2 = range(130, 134)


# --------------------------------------------------------------------------------------------------
# Pools of strings
# --------------------------------------------------------------------------------------------------


def _comment_blocks() -> list[list[str]]:
    """Blocks 4g .. 4g+3 of group g (language x category): single sentences, two sentences joined,
    a sentence in double quotes, a sentence followed by a line break; the last block is empty."""
    blocks: list[list[str]] = []
    for lang in _LANGS:
        for category in _CATEGORIES:
            sentences = _COMMENTS[(lang, category)]
            pairs = [
                f"{a}{joiner}{b}"
                for i, a in enumerate(sentences)
                for j, b in enumerate(sentences)
                if i != j
                for joiner in _COMMENT_JOINERS[(i + j) % 3 :: 3]
            ]
            blocks += [list(sentences), pairs, [f'"{s}"' for s in sentences], [f"{s}\n" for s in sentences]]
    return [*blocks, [""]]


_CHANNEL_POOL = Pool(
    [list(CHANNEL_CLEAN[c]) for c in CHANNELS]
    + [list(CHANNEL_VARIANTS[c]) for c in CHANNELS]
    + [list(UNMAPPED_CHANNELS), list(EMPTY_VALUES)]
)
_CH_BLOCK_VARIANT, _CH_BLOCK_UNMAPPED, _CH_BLOCK_EMPTY = (
    len(CHANNELS),
    2 * len(CHANNELS),
    2 * len(CHANNELS) + 1,
)

_REGION_POOL = Pool(
    [[r] for r in REGIONS]
    + [[r.lower(), r.title(), f" {r}", f"{r} ", f" {r.lower()} ", f"{r}\t", r] for r in REGIONS]
    + [list(UNKNOWN_REGIONS), list(EMPTY_VALUES)]
)
_REG_BLOCK_VARIANT, _REG_BLOCK_UNKNOWN, _REG_BLOCK_EMPTY = (
    len(REGIONS),
    2 * len(REGIONS),
    2 * len(REGIONS) + 1,
)

_SEGMENT_POOL = Pool(
    [[s] for s in SEGMENTS]
    + [list(SEGMENT_VARIANTS[s]) for s in SEGMENTS]
    + [list(OFF_LIST_SEGMENTS), list(EMPTY_VALUES)]
)
_SEG_BLOCK_VARIANT, _SEG_BLOCK_OFF, _SEG_BLOCK_EMPTY = len(SEGMENTS), 2 * len(SEGMENTS), 2 * len(SEGMENTS) + 1

_SURVEY_POOL = Pool([list(SURVEYS_BY_CHANNEL[c]) for c in CHANNELS])
_SURVEY_OF_POOL_VALUE = np.array([_SURVEY_INDEX[v] for v in _SURVEY_POOL.values], dtype=np.int64)
_SURVEY_ID_STRINGS = pa.array(list(SURVEY_IDS), pa.string())
_COMMENT_POOL = Pool(_comment_blocks())
_COMMENT_BLOCK_EMPTY = len(_COMMENT_POOL.counts) - 1
_SCORE_STRINGS = pa.array([str(s) for s in range(11)], pa.string())
_LANG_STRINGS = pa.array(list(_LANGS), pa.string())


class _CodeColumn:
    """touchpoint, brand or business unit: the code, a case or padding variant, an unmapped value."""

    def __init__(self, codes: tuple[str, ...], unmapped: tuple[str, ...]) -> None:
        self.codes = codes
        self.pool = Pool(
            [[c] for c in codes] + [case_and_padding_variants(c) for c in codes] + [list(unmapped), [""]]
        )
        self.variant_block = len(codes)
        self.unmapped_block = 2 * len(codes)
        self.empty_block = 2 * len(codes) + 1


_TOUCHPOINT_COLUMN = _CodeColumn(TOUCHPOINTS, UNMAPPED_TOUCHPOINTS)
_BRAND_COLUMN = _CodeColumn(BRANDS, UNMAPPED_BRANDS)
_UNIT_COLUMN = _CodeColumn(BUSINESS_UNITS, UNMAPPED_BUSINESS_UNITS)
_SURVEY_CODES = np.array(
    [
        [TOUCHPOINTS.index(s.touchpoint), BRANDS.index(s.brand), BUSINESS_UNITS.index(s.business_unit)]
        for s in SURVEYS
    ],
    dtype=np.int64,
)


# --------------------------------------------------------------------------------------------------
# Messy values (a small share of rows, built one by one)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    """What a messy value may need to know about its row."""

    response_id: str
    instant_us: int
    score: int


_Maker = Callable[[_Ctx], str]


def _ts(ctx: _Ctx, pattern: str, offset_minutes: int = 0) -> str:
    return (utc_datetime(ctx.instant_us) + timedelta(minutes=offset_minutes)).strftime(pattern)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _bad_feb_29(ctx: _Ctx) -> str:
    year = utc_datetime(ctx.instant_us).year
    return f"{year}-02-29T10:15:00Z" if not _is_leap(year) else f"{year}-02-30T10:15:00Z"


def _constant(value: str) -> _Maker:
    return lambda _ctx: value


_FRENCH_NUMBERS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")

# Valid but unusual spellings (accepted after the rules) and invalid values, per field.
_ID_VALID: tuple[_Maker, ...] = (
    lambda c: f" {c.response_id}",
    lambda c: f"{c.response_id} ",
    lambda c: f"  {c.response_id}  ",
    lambda c: f"\t{c.response_id}",
    lambda c: f"{c.response_id}\n",
    lambda c: f"{c.response_id}\r\n",
)
_ID_INVALID: tuple[_Maker, ...] = (
    lambda c: "",
    lambda c: "",
    lambda c: " ",
    lambda c: "   ",
    lambda c: "\t",
    lambda c: " \t ",
    lambda c: "\n",
)
_TS_VALID: tuple[_Maker, ...] = (
    lambda c: " " + _ts(c, "%Y-%m-%dT%H:%M:%SZ") + " ",
    lambda c: "\t" + _ts(c, "%Y-%m-%d %H:%M:%S"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%SZ") + "\n",
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S") + "-00:00",
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S+00:00"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S+23:59", 23 * 60 + 59),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S-23:30", -(23 * 60 + 30)),
    lambda c: _ts(c, "%Y-%m-%d %H:%M-09:00", -9 * 60),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S.%fZ"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S.%f+05:45", 5 * 60 + 45),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S.%f")[:-4],
    lambda c: _ts(c, "%Y-%m-%d %H:%M:%S.%f")[:-1] + "Z",
)
_TS_INVALID: tuple[_Maker, ...] = (
    lambda c: "",
    lambda c: "   ",
    lambda c: "yesterday",
    lambda c: "hier",
    lambda c: "N/A",
    lambda c: "null",
    lambda c: _ts(c, "%Y-02-30T%H:%M:%SZ"),
    lambda c: _ts(c, "%Y-04-31 %H:%M"),
    _bad_feb_29,
    lambda c: _ts(c, "%Y-13-01 %H:%M"),
    lambda c: _ts(c, "%Y-00-%d %H:%M"),
    lambda c: _ts(c, "%Y-%m-%dT24:00:00Z"),
    lambda c: _ts(c, "%Y-%m-%d 24:00"),
    lambda c: _ts(c, "%Y-%m-%dT%H:60:00Z"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:60Z"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S+24:00"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S-03:60"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S.%f") + "7Z",
    lambda c: _ts(c, "%Y/%m/%d %H:%M"),
    lambda c: _ts(c, "%d/%m/%Y %H:%M"),
    lambda c: _ts(c, "%Y-%m-%d"),
    lambda c: _ts(c, "%Y-%m-%dT%HZ"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S  Z"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S+020", 120),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S+2", 120),
    lambda c: _ts(c, "%Y-%m-%d  %H:%M:%S"),
    lambda c: _ts(c, "%Y%m%dT%H%M%SZ"),
    lambda c: _ts(c, "%Y-%m-%dT%H:%M:%S.Z"),
    lambda c: str(c.instant_us // US_PER_SECOND),
    lambda c: str(utc_datetime(c.instant_us).year + 1000) + _ts(c, "-%m-%dT%H:%M:%SZ"),
)
_SCORE_VALID: tuple[_Maker, ...] = (
    lambda c: f"0{c.score}",
    lambda c: f"00{c.score}",
    lambda c: f"{c.score}.0",
    lambda c: f"{c.score}.00",
    lambda c: f" {c.score} ",
    lambda c: f"{c.score} ",
    lambda c: f"\t{c.score}",
    lambda c: f"{c.score}\n",
)
# The literal kinds of the README come first (tests look for each of them).
INVALID_SCORE_LITERALS: tuple[str, ...] = (
    "", "11", "-1", "9.5", "abc", "10/10", "1e1", "NaN", "9.", "+9", "dix",
)  # fmt: skip
_SCORE_INVALID: tuple[_Maker, ...] = (
    *(_constant(v) for v in INVALID_SCORE_LITERALS),
    lambda c: " ",
    lambda c: "12",
    lambda c: "100",
    lambda c: "-0",
    lambda c: "7,5",
    lambda c: "N/A",
    lambda c: "1 0",
    lambda c: f"{c.score}.5" if c.score < 10 else "10.5",
    lambda c: f"{c.score}/10",
    lambda c: f"+{c.score}",
    lambda c: f"{c.score}.",
    lambda c: _FRENCH_NUMBERS[c.score],
    lambda c: f"{c.score}.01",
)
_MESSY_FIELDS = ("response_id", "submitted_at", "score")
_MESSY_FIELD_WEIGHTS = (0.15, 0.40, 0.45)
_MESSY_VALID = (_ID_VALID, _TS_VALID, _SCORE_VALID)
_MESSY_INVALID = (_ID_INVALID, _TS_INVALID, _SCORE_INVALID)
# Every kind of a field: valid variants +1 .. +v, then invalid values -1 .. -i.
_FIELD_KINDS: tuple[np.ndarray, ...] = tuple(
    np.array([*range(1, len(valid) + 1), *range(-1, -len(invalid) - 1, -1)], dtype=np.int64)
    for valid, invalid in zip(_MESSY_VALID, _MESSY_INVALID, strict=True)
)


# The CSAT / CES cases (a row has at most one; rows with a response_id / submitted_at / score
# anomaly or resubmissions have none). Each is (name, what the rules make of the row).
_METRIC_CASES: tuple[tuple[str, str], ...] = (
    ("csat_leading_zeros", "accepted"),
    ("csat_decimal", "accepted"),
    ("csat_padded", "accepted"),
    ("ces_leading_zeros", "accepted"),
    ("ces_decimal", "accepted"),
    ("ces_padded", "accepted"),
    ("csat_invalid_nps_valid", "accepted, csat nulled"),
    ("ces_invalid_nps_valid", "accepted, ces nulled"),
    ("nps_empty_csat_valid", "accepted without NPS"),
    ("nps_invalid_ces_valid", "accepted without NPS"),
    ("nps_blank_ces_valid", "accepted without NPS"),
    ("all_empty", "rejected missing_score"),
    ("all_invalid", "rejected invalid_score"),
    ("nps_empty_csat_invalid", "rejected invalid_score"),
)
METRIC_CASES: tuple[str, ...] = tuple(name for name, _ in _METRIC_CASES)
_METRIC_KIND = {name: k for k, name in enumerate(METRIC_CASES)}
_VALID_SPELLINGS: dict[str, tuple[Callable[[int], str], ...]] = {
    "leading_zeros": (lambda v: f"0{v}", lambda v: f"00{v}"),
    "decimal": (lambda v: f"{v}.0", lambda v: f"{v}.00"),
    "padded": (lambda v: f" {v} ", lambda v: f"\t{v}", lambda v: f"{v} ", lambda v: f"  {v}"),
}
#: Invalid CSAT answers (the README's examples first), CES answers and the NPS answers of the cases.
INVALID_CSAT_LITERALS: tuple[str, ...] = ("4.5", "6", "abc", "-1", "0", "3,5", "10", "4/5", "NaN")
INVALID_CES_LITERALS: tuple[str, ...] = ("0", "8", "abc", "-1", "4.5", "9", "7/7", "N/A")
_CASE_INVALID_SCORES: tuple[str, ...] = ("11", "-1", "9.5", "abc", "10/10", "dix")
_BLANKS: tuple[str, ...] = ("", " ", "  ", "\t")


def _pick(values: tuple, u: float):  # type: ignore[no-untyped-def,type-arg]
    return values[min(int(u * len(values)), len(values) - 1)]


def _metric_case_values(
    kind: int, score: int, csat: int, ces: int, u: float
) -> tuple[str | None, str | None, str | None]:
    """(score, csat, ces) written for a metric case; None leaves the generated value."""
    name = METRIC_CASES[kind]
    metric, _, rest = name.partition("_")
    if rest in _VALID_SPELLINGS:
        spelled = _pick(_VALID_SPELLINGS[rest], u)(csat if metric == "csat" else ces)
        return (None, spelled, None) if metric == "csat" else (None, None, spelled)
    if name == "csat_invalid_nps_valid":
        return None, _pick(INVALID_CSAT_LITERALS, u), None
    if name == "ces_invalid_nps_valid":
        return None, None, _pick(INVALID_CES_LITERALS, u)
    if name == "nps_empty_csat_valid":
        return "", str(csat), None
    if name == "nps_invalid_ces_valid":
        return _pick(_CASE_INVALID_SCORES, u), None, str(ces)
    if name == "nps_blank_ces_valid":
        return _pick(_BLANKS[1:], u), None, str(ces)
    if name == "all_empty":
        return _pick(_BLANKS, u), _pick(_BLANKS, 1.0 - u), ""
    if name == "all_invalid":
        return _pick(_CASE_INVALID_SCORES, u), _pick(INVALID_CSAT_LITERALS, u), _pick(INVALID_CES_LITERALS, u)
    assert name == "nps_empty_csat_invalid"
    return "", _pick(INVALID_CSAT_LITERALS, u), ""


# --------------------------------------------------------------------------------------------------
# Batch specification and row generation
# --------------------------------------------------------------------------------------------------

_RESUB_NORMAL, _RESUB_TIE, _RESUB_STALE, _RESUB_INVALID = range(4)
_RESUB_KIND_WEIGHTS = (0.70, 0.13, 0.07, 0.10)


@dataclass(frozen=True)
class BatchSpec:
    """What a batch of responses looks like; rows are numbered 0 .. rows-1 in time order.

    ``first_response`` is the response number of row 0 (the ids of a batch are
    ``first_response .. first_response + rows - 1``, minus the slots used by resubmissions), so a
    later batch can start after an earlier one.  With ``resubmit_from_range=(lo, hi)`` the
    resubmissions reuse response numbers drawn uniformly from ``lo .. hi`` (an earlier batch)
    instead of earlier rows of this batch.
    """

    rows: int = DEFAULT_ROWS
    seed: int = DEFAULT_SEED
    start_date: date = DEFAULT_START_DATE
    days: int = DEFAULT_DAYS
    first_response: int = 1
    resubmit_rate: float = DEFAULT_RESUBMIT_RATE
    messy_rate: float = DEFAULT_MESSY_RATE
    resubmit_from_range: tuple[int, int] | None = None

    def validate(self) -> None:
        if self.rows < 1:
            raise ValueError(f"rows must be at least 1, got {self.rows}")
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if not (self.start_date.year >= 1000 and (self.start_date + timedelta(days=self.days)).year <= 2999):
            raise ValueError("the history must lie within the years 1000-2999")
        if self.first_response < 0:
            raise ValueError(f"first_response must be >= 0, got {self.first_response}")
        if not 0.0 <= self.resubmit_rate <= 0.5:
            raise ValueError(f"resubmit_rate must be within [0, 0.5], got {self.resubmit_rate}")
        if not 0.0 <= self.messy_rate <= 1.0:
            raise ValueError(f"messy_rate must be within [0, 1], got {self.messy_rate}")
        if self.resubmit_from_range is not None:
            low, high = self.resubmit_from_range
            if not 0 <= low <= high:
                raise ValueError(f"resubmit_from_range must satisfy 0 <= low <= high, got {low}:{high}")

    @property
    def last_response(self) -> int:
        """Highest response number a new response of this batch may get."""
        return self.first_response + self.rows - 1

    @property
    def max_response_number(self) -> int:
        """Highest response number a row of this batch may carry (resubmissions included)."""
        return max(self.last_response, (self.resubmit_from_range or (0, 0))[1])


@dataclass
class ResponseCore:
    """What rows idx of a batch are about, before any text is written: the facts the other
    sources (interactions, invitations) must agree with."""

    idx: np.ndarray
    slot: np.ndarray  # response number the row would have without resubmissions
    number: np.ndarray  # response number (a resubmission carries its original's)
    is_resub: np.ndarray
    resub_kind: np.ndarray
    original: np.ndarray  # row of the first occurrence in this batch
    codes: np.ndarray  # timestamp format
    instant: np.ndarray  # submitted_at, microseconds since 1970 UTC, quantised to its format
    customer: np.ndarray
    channel: np.ndarray
    survey: np.ndarray  # index into reference.SURVEYS
    has_agent: np.ndarray
    agent: np.ndarray
    region: np.ndarray
    segment: np.ndarray
    lang: np.ndarray
    contact_effect: np.ndarray  # the interaction's effect on the NPS latent (0 without one)
    contact_effort: np.ndarray  # its effect on the CES latent

    @property
    def has_interaction(self) -> np.ndarray:
        """The response is about a contact-centre interaction (phone or chat, with an agent)."""
        return ((self.channel == PHONE) | (self.channel == CHAT)) & self.has_agent

    @property
    def is_invited(self) -> np.ndarray:
        """The response answers an e-mail, SMS or WhatsApp invitation."""
        return np.isin(self.channel, _INVITED_CHANNELS)


_INVITED_CHANNELS = np.array([CHANNELS.index(c) for c in ("email", "sms", "whatsapp")])


class ResponsePlan:
    """Everything derived once from a BatchSpec."""

    def __init__(self, spec: BatchSpec) -> None:
        spec.validate()
        self.spec = spec
        self.rng = CounterRandom(spec.seed)
        self.first_day = days_since_epoch(spec.start_date)
        day_numbers = self.first_day + np.arange(spec.days, dtype=np.int64)
        weekday = (day_numbers + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        weights = np.array(_WEEKDAY_VOLUME)[weekday] * (1.0 + 0.002 * np.arange(spec.days))
        self.day_cum = np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
        hours = np.array(_HOUR_VOLUME)
        self.hour_cum = np.concatenate([[0.0], np.cumsum(hours) / hours.sum()])
        per_day = spec.rows / spec.days
        self.short_window = max(1, int(per_day * 0.25))
        self.long_window = max(1, int(per_day * 21))
        self.id_width = max(10, len(str(spec.max_response_number)))
        self.contact_width = ids.contact_width(spec.max_response_number)
        cosmetic = min(0.6, 4.0 * spec.messy_rate)
        m = spec.messy_rate
        self.p_ts_variant = min(0.6, 1.5 * cosmetic)
        # channel: empty, unmapped, spelled variant (cumulative thresholds)
        self.channel_thresholds = np.cumsum([0.3 * m, 0.3 * m, cosmetic])
        self.region_thresholds = np.cumsum([0.2 * m, 0.06 * m, 0.6 * cosmetic])
        self.segment_thresholds = np.cumsum([0.3 * m, 0.04 * m, 0.6 * cosmetic])
        self.p_customer_empty, self.p_customer_pad = 0.2 * m, 0.1 * cosmetic
        self.p_agent_pad = 0.1 * cosmetic
        self.p_survey_empty, self.p_survey_pad = 0.05 * m, 0.05 * cosmetic
        # touchpoint / brand / business unit: unmapped, case or padding variant
        self.code_thresholds = np.cumsum([0.3 * m, 0.6 * cosmetic])
        self.p_unknown_invitation = 0.2 * m
        self.p_metric_case = 0.5 * m
        self._anomaly_cursor: tuple[int, np.ndarray] = (0, np.zeros(3, dtype=np.int64))
        self.customers = CustomerModel(self.rng)
        self.agents = AgentModel(self.rng)
        self.metric_cases = CaseCycler(self.rng, _R_METRIC_CYCLE, len(METRIC_CASES), self._has_metric_case)

    # ---- messy rows -----------------------------------------------------------------------------

    def anomalies_before(self, start: int) -> np.ndarray:
        """Number of first anomalies per field in rows 0 .. start-1 (cached for sequential chunks)."""
        position, counts = self._anomaly_cursor
        if position > start:
            position, counts = 0, np.zeros(3, dtype=np.int64)
        counts = counts.copy()
        for a in range(position, start, 1_000_000):
            idx = np.arange(a, min(a + 1_000_000, start), dtype=np.int64)
            messy, first = _first_anomalies(self, idx + self.spec.first_response)
            counts += np.bincount(first[messy], minlength=3)
        self._anomaly_cursor = (start, counts)
        return counts.copy()

    def anomalies_until(self, stop: int, counts: np.ndarray) -> None:
        self._anomaly_cursor = (stop, counts.copy())

    def _has_metric_case(self, idx: np.ndarray) -> np.ndarray:
        """Rows with a CSAT / CES case: none on rows with another anomaly or on resubmissions."""
        slot = idx + self.spec.first_response
        has = self.rng.uniform(_R_METRIC, slot) < self.p_metric_case
        rows = np.nonzero(has)[0]
        if len(rows):
            messy, _ = _first_anomalies(self, slot[rows])
            is_resub, _, _ = self.resubmission(idx[rows])
            has[rows] = ~messy & ~is_resub
        return has

    # ---- time -----------------------------------------------------------------------------------

    def position_instant(self, idx: np.ndarray) -> np.ndarray:
        """UTC instant (microseconds since 1970) of rows idx; non-decreasing in idx."""
        position = (idx + self.rng.uniform(_S_JITTER, idx + self.spec.first_response)) / self.spec.rows
        day = np.clip(np.searchsorted(self.day_cum, position, side="right") - 1, 0, self.spec.days - 1)
        width = self.day_cum[day + 1] - self.day_cum[day]
        in_day = np.clip((position - self.day_cum[day]) / width, 0.0, 1.0 - 1e-12)
        hour = np.clip(np.searchsorted(self.hour_cum, in_day, side="right") - 1, 0, 23)
        in_hour = (in_day - self.hour_cum[hour]) / (self.hour_cum[hour + 1] - self.hour_cum[hour])
        micros = np.minimum((in_hour * US_PER_HOUR).astype(np.int64), US_PER_HOUR - 1)
        return (self.first_day + day) * US_PER_DAY + hour * US_PER_HOUR + micros

    def ts_format(self, idx: np.ndarray) -> np.ndarray:
        return timestamp_codes(self.rng, _R_TS_FMT, idx + self.spec.first_response, self.p_ts_variant)

    # ---- resubmissions --------------------------------------------------------------------------

    def resubmission(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(is resubmission, kind, target row in this batch) of rows idx."""
        spec, rng = self.spec, self.rng
        slot = idx + spec.first_response
        is_resub = rng.uniform(_S_RESUB, slot) < spec.resubmit_rate
        kind = rng.choice(_S_RESUB_KIND, slot, _RESUB_KIND_WEIGHTS)
        if spec.resubmit_from_range is not None:
            kind = np.where((kind == _RESUB_TIE) | (kind == _RESUB_STALE), _RESUB_NORMAL, kind)
            return is_resub, kind, idx
        is_resub &= idx > 0
        long = (kind == _RESUB_TIE) | (kind == _RESUB_STALE) | (rng.uniform(_S_LAG_MODE, slot) < 0.25)
        window = np.minimum(np.where(long, self.long_window, self.short_window), np.maximum(idx, 1))
        target = idx - 1 - rng.below(_S_LAG, slot, window)
        return is_resub, kind, np.where(is_resub, target, idx)

    def original_rows(self, idx: np.ndarray, is_resub: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Row of the first occurrence of each row's response id (follows chains of resubmissions)."""
        original = np.where(is_resub, target, idx)
        pending = np.nonzero(is_resub)[0]
        while len(pending):
            again, _, further = self.resubmission(original[pending])
            pending = pending[again]
            original[pending] = further[again]
        return original

    # ---- what each row is about -------------------------------------------------------------------

    def core(self, start: int, stop: int) -> ResponseCore:
        """The facts of rows start .. stop-1."""
        spec, rng = self.spec, self.rng
        idx = np.arange(start, stop, dtype=np.int64)
        slot = idx + spec.first_response

        # Response numbers: a resubmission reuses the number of an earlier response.
        is_resub, resub_kind, target = self.resubmission(idx)
        if spec.resubmit_from_range is None:
            original = self.original_rows(idx, is_resub, target)
            number = original + spec.first_response
        else:
            low, high = spec.resubmit_from_range
            original = idx
            number = np.where(is_resub, low + rng.below(_S_RANGE, slot, high - low + 1), slot)

        # Timestamps (quantised to the precision of their format).
        codes = self.ts_format(idx)
        instant = self.position_instant(idx)
        if spec.resubmit_from_range is None and is_resub.any():
            tie = is_resub & (resub_kind == _RESUB_TIE)
            stale = is_resub & (resub_kind == _RESUB_STALE)
            ref = np.nonzero(tie | stale)[0]
            if len(ref):
                ref_rows = original[ref]
                ref_codes = self.ts_format(ref_rows)
                ref_instant = self.position_instant(ref_rows)
                ref_instant -= ref_instant % TS_QUANTUM[ref_codes]
                minutes_back = 1 + rng.below(_S_STALE, slot[ref], 180)
                is_tie = tie[ref]
                instant[ref] = np.where(is_tie, ref_instant, ref_instant - minutes_back * US_PER_MINUTE)
                # A tie keeps the precision of the original, possibly with another offset notation.
                tie_rows = ref[is_tie]
                if len(tie_rows):
                    same = [TS_SAME_PRECISION[c] for c in ref_codes[is_tie].tolist()]
                    u = rng.uniform(_S_TIE_FMT, slot[tie_rows])
                    other = [s[min(int(x * len(s)), len(s) - 1)] for s, x in zip(same, u, strict=True)]
                    keep = (u < 0.5) | (self.p_ts_variant == 0)
                    codes[tie_rows] = np.where(keep, ref_codes[is_tie], other)
        instant -= instant % TS_QUANTUM[codes]

        # Attributes fixed by the response number, the customer and the agent.
        customer = customer_of(rng, number)
        channel = rng.choice(_N_CHANNEL, number, CHANNEL_WEIGHTS)
        survey = _SURVEY_OF_POOL_VALUE[_SURVEY_POOL.pick_index(channel, rng.uniform(_N_SURVEY, number))]
        region = self.customers.region_at(customer, instant)  # where the customer lives then
        segment = segment_of(rng, customer)
        lang = language_of(rng, customer)
        has_agent = rng.uniform(_N_AGENT_PRESENT, number) < AGENT_PRESENT[channel]
        agent = rng.below(_N_AGENT, number, AGENTS)
        # The contact-centre interaction the response is about.
        has_interaction = ((channel == PHONE) | (channel == CHAT)) & has_agent
        contact_effect = np.zeros(len(idx))
        contact_effort = np.zeros(len(idx))
        rows = np.nonzero(has_interaction)[0]
        if len(rows):
            f = interaction_facts(rng, ids.contact_numbers(number[rows], 0), channel[rows])
            contact_effect[rows] = interaction_effect(f)
            contact_effort[rows] = interaction_effort(f)
        return ResponseCore(
            idx, slot, number, is_resub, resub_kind, original, codes, instant,
            customer, channel, survey, has_agent, agent, region, segment, lang,
            contact_effect, contact_effort,
        )  # fmt: skip


@dataclass
class _ChunkStats:
    rows: int = 0
    resubmissions: int = 0
    messy_rows: int = 0


def build_rows(spec: BatchSpec, start: int = 0, stop: int | None = None) -> pa.Table:
    """Rows ``start .. stop-1`` of a batch as a table of string columns (empty fields as "")."""
    return build_chunk(ResponsePlan(spec), start, spec.rows if stop is None else stop)[0]


def _latent(plan: ResponsePlan, core: ResponseCore) -> np.ndarray:
    """The NPS latent of each row (the score is its rounding, clipped to 0-10)."""
    rng, slot, channel = plan.rng, core.slot, core.channel
    day_number = np.floor_divide(core.instant, US_PER_DAY)
    weekday = (day_number + 3) % 7
    trend = np.clip((day_number - days_since_epoch(_TREND_REFERENCE)) * (0.9 / 365.0), -1.5, 1.5)
    incident = (
        (day_number >= days_since_epoch(_INCIDENT[0]))
        & (day_number < days_since_epoch(_INCIDENT[1]))
        & ((channel == PHONE) | (channel == CHAT))
    )
    agent_effect = np.where(core.has_agent, plan.agents.effect(core.agent, core.instant), 0.0)
    tier = plan.customers.tier_at(core.customer, core.instant)
    age_band = plan.customers.age_band_at(core.customer, day_number)
    mu = (
        7.7
        + CHANNEL_EFFECT[channel]
        + SEGMENT_EFFECT[core.segment]
        + REGION_EFFECT[core.region]
        + TIER_EFFECT[tier]
        + AGE_EFFECT[age_band]
        + _WEEKDAY_EFFECT[weekday]
        + trend
        + agent_effect
        + core.contact_effect
        - 1.3 * incident
    )
    latent = mu + 2.0 * rng.normal(_R_NOISE, slot)
    angry = rng.uniform(_R_ANGRY, slot) < np.where(channel == PHONE, 0.09, 0.05) + 0.06 * incident
    return np.where(angry, 2.0 + 2.0 * rng.normal(_R_ANGRY_NOISE, slot), latent)


def _round_clip(values: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.clip(np.floor(values + 0.5), low, high).astype(np.int64)


def _code_columns(plan: ResponsePlan, core: ResponseCore) -> list[pa.Array]:
    """touchpoint, brand and business_unit: empty unless the export carries them (mostly the
    store and delivery surveys'), then the survey's code, another valid code, a spelling variant
    or an unmapped value."""
    rng, n = plan.rng, len(core.slot)
    carries = np.nonzero(rng.uniform(_N_CARRIES, core.number) < _CARRIES_CODES[core.survey])[0]
    slot, number, survey = core.slot[carries], core.number[carries], core.survey[carries]
    code = _SURVEY_CODES[survey].copy()
    u_override = rng.uniform(_N_OVERRIDE, number)
    for column, (survey_id, value, share) in ((1, _BRAND_OVERRIDE), (2, _UNIT_OVERRIDE)):
        codes = (BRANDS, BUSINESS_UNITS)[column - 1]
        hit = (survey == _SURVEY_INDEX[survey_id]) & (u_override < share)
        code[hit, column] = codes.index(value)
    columns = []
    for k, spec in enumerate((_TOUCHPOINT_COLUMN, _BRAND_COLUMN, _UNIT_COLUMN)):
        present = rng.uniform(_R_CODE_PRESENT + k, slot) < _CODE_PRESENT[k]
        u_kind = rng.uniform(_R_CODE_KIND + k, slot)
        block_of_carried = np.where(
            ~present,
            spec.empty_block,
            np.where(
                u_kind < plan.code_thresholds[0],
                spec.unmapped_block,
                np.where(u_kind < plan.code_thresholds[1], spec.variant_block + code[:, k], code[:, k]),
            ),
        )
        block = np.full(n, spec.empty_block, dtype=np.int64)
        block[carries] = block_of_carried
        u_pick = np.zeros(n)
        u_pick[carries] = rng.uniform(_R_CODE_PICK + k, slot)
        columns.append(spec.pool.pick(block, u_pick))
    return columns


def _contact_columns(plan: ResponsePlan, core: ResponseCore) -> tuple[pa.Array, pa.Array]:
    """interaction_id (contact-centre responses) and invitation_id (invited responses; a few name
    an invitation that was never sent)."""
    n, width = len(core.number), plan.contact_width
    interaction = ids.interaction_ids(ids.contact_numbers(core.number, 0), width, core.has_interaction)
    unknown = plan.rng.uniform(_N_UNKNOWN_INVITATION, core.number) < plan.p_unknown_invitation
    j = np.where(unknown, ids.UNKNOWN_INVITATION_SLOT, 0)
    invitation = ids.invitation_ids(ids.contact_numbers(core.number, j), width, core.is_invited)
    assert len(interaction) == len(invitation) == n
    return interaction, invitation


def build_chunk(
    plan: ResponsePlan, start: int, stop: int, core: ResponseCore | None = None
) -> tuple[pa.Table, _ChunkStats]:
    """Rows start .. stop-1 (chunks asked in order reuse the running counts of anomalies); core,
    when given, is plan.core(start, stop)."""
    spec, rng = plan.spec, plan.rng
    if not 0 <= start <= stop <= spec.rows:
        raise ValueError(f"rows {start}..{stop} outside the batch of {spec.rows} rows")
    if core is None:
        core = plan.core(start, stop)
    n, slot, number = stop - start, core.slot, core.number

    # Scores: NPS, and CSAT / CES where the survey asks them, from the same latent.
    latent = _latent(plan, core)
    score = _round_clip(latent, 0, 10)
    category = np.where(score <= 6, 0, np.where(score <= 8, 1, 2))
    csat = _round_clip(0.45 * latent + 0.6 + 0.55 * rng.noise(_R_CSAT_NOISE, slot), 1, 5)
    ces = _round_clip(0.55 * latent + 1.0 + core.contact_effort + 0.7 * rng.noise(_R_CES_NOISE, slot), 1, 7)
    csat_asked = rng.uniform(_N_CSAT_ASKED, number) < _CSAT_ASKED[core.survey]
    ces_asked = rng.uniform(_N_CES_ASKED, number) < _CES_ASKED[core.survey]

    # String columns.
    response_id = prefixed_numbers(ids.RESPONSE_PREFIX, number, plan.id_width)
    customer_id = ids.customer_ids(core.customer)
    agent_id = ids.agent_ids(core.agent, core.has_agent)
    survey_id = _SURVEY_ID_STRINGS.take(pa.array(core.survey))
    channel_raw = pick_with_kinds(
        _CHANNEL_POOL,
        rng.uniform(_R_CH_KIND, slot),
        plan.channel_thresholds,
        (_CH_BLOCK_EMPTY, _CH_BLOCK_UNMAPPED, _CH_BLOCK_VARIANT + core.channel, core.channel),
        rng.uniform(_R_CH_PICK, slot),
    )
    region_raw = pick_with_kinds(
        _REGION_POOL,
        rng.uniform(_R_REG_KIND, slot),
        plan.region_thresholds,
        (_REG_BLOCK_EMPTY, _REG_BLOCK_UNKNOWN, _REG_BLOCK_VARIANT + core.region, core.region),
        rng.uniform(_R_REG_PICK, slot),
    )
    segment_raw = pick_with_kinds(
        _SEGMENT_POOL,
        rng.uniform(_R_SEG_KIND, slot),
        plan.segment_thresholds,
        (_SEG_BLOCK_EMPTY, _SEG_BLOCK_OFF, _SEG_BLOCK_VARIANT + core.segment, core.segment),
        rng.uniform(_R_SEG_PICK, slot),
    )
    pad_u = rng.uniform(_R_PAD, slot)
    u = rng.uniform(_R_CUST_KIND, slot)
    customer_id = blank_or_pad(customer_id, u < plan.p_customer_empty, u > 1.0 - plan.p_customer_pad, pad_u)
    u = rng.uniform(_R_AGENT_KIND, slot)
    agent_id = blank_or_pad(agent_id, np.zeros(n, dtype=bool), (u < plan.p_agent_pad) & core.has_agent, pad_u)
    u = rng.uniform(_R_SURVEY_KIND, slot)
    survey_id = blank_or_pad(survey_id, u < plan.p_survey_empty, u > 1.0 - plan.p_survey_pad, pad_u)
    comment = _comments(rng, slot, core.lang, category)
    submitted_at = render_timestamps(core.instant, core.codes)
    score_raw = _SCORE_STRINGS.take(pa.array(score))
    csat_raw = pc.if_else(pa.array(csat_asked), _SCORE_STRINGS.take(pa.array(csat)), "")
    ces_raw = pc.if_else(pa.array(ces_asked), _SCORE_STRINGS.take(pa.array(ces)), "")
    touchpoint, brand, business_unit = _code_columns(plan, core)
    interaction_id, invitation_id = _contact_columns(plan, core)

    # Messy response_id / submitted_at / score values.
    invalid_resub = core.is_resub & (core.resub_kind == _RESUB_INVALID) & (spec.messy_rate > 0)
    messy = _messy_assignments(plan, start, slot, invalid_resub)
    messy_rows = np.nonzero(messy.any(axis=0))[0]
    if len(messy_rows):
        base_ids = response_id.take(pa.array(messy_rows)).to_pylist()
        contexts = [
            _Ctx(rid, t, s)
            for rid, t, s in zip(
                base_ids, core.instant[messy_rows].tolist(), score[messy_rows].tolist(), strict=True
            )
        ]
        kinds = messy[:, messy_rows]
        columns = [response_id, submitted_at, score_raw]
        for f in range(3):
            hit = kinds[f] != 0
            if not hit.any():
                continue
            values = []
            for ctx, k in zip(
                [c for c, h in zip(contexts, hit, strict=True) if h], kinds[f][hit].tolist(), strict=True
            ):
                makers = _MESSY_VALID[f] if k > 0 else _MESSY_INVALID[f]
                values.append(makers[abs(k) - 1](ctx))
            columns[f] = replace_rows(columns[f], messy_rows[hit], values)
        response_id, submitted_at, score_raw = columns
        # An invalid NPS stays a rejected row: the CSAT / CES beside it are left empty.
        invalid_score = messy[2] < 0
        if invalid_score.any():
            csat_raw = pc.if_else(pa.array(invalid_score), "", csat_raw)
            ces_raw = pc.if_else(pa.array(invalid_score), "", ces_raw)

    # CSAT / CES cases.
    metric_kind = plan.metric_cases.assign(start, stop)
    case_rows = np.nonzero(metric_kind >= 0)[0]
    if len(case_rows):
        picks = rng.uniform(_R_METRIC_PICK, slot[case_rows]).tolist()
        written = [
            _metric_case_values(k, s, c, e, p)
            for k, s, c, e, p in zip(
                metric_kind[case_rows].tolist(),
                score[case_rows].tolist(),
                csat[case_rows].tolist(),
                ces[case_rows].tolist(),
                picks,
                strict=True,
            )
        ]
        metrics = [score_raw, csat_raw, ces_raw]
        for f in range(3):
            hit = np.array([w[f] is not None for w in written], dtype=bool)
            metrics[f] = replace_rows(metrics[f], case_rows[hit], [w[f] for w in written if w[f] is not None])
        score_raw, csat_raw, ces_raw = metrics

    table = pa.table(
        [
            response_id,
            survey_id,
            customer_id,
            submitted_at,
            channel_raw,
            region_raw,
            segment_raw,
            agent_id,
            score_raw,
            comment,
            _LANG_STRINGS.take(pa.array(core.lang)),
            touchpoint,
            brand,
            business_unit,
            interaction_id,
            invitation_id,
            csat_raw,
            ces_raw,
        ],
        names=list(OUTPUT_COLUMNS),
    )
    return table, _ChunkStats(n, int(core.is_resub.sum()), len(messy_rows) + len(case_rows))


def _comments(rng: CounterRandom, slot: np.ndarray, lang: np.ndarray, category: np.ndarray) -> pa.Array:
    has = rng.uniform(_R_COMMENT_HAS, slot) < _COMMENT_PROBABILITY[category]
    # One sentence, two sentences, or (rarely) one sentence in quotes or followed by a line break.
    shape = (rng.uniform(_R_COMMENT_SHAPE, slot) < 0.35).astype(np.int64)
    decor = rng.uniform(_R_COMMENT_DECOR, slot)
    shape = np.where(decor < 0.04, 2, np.where(decor > 0.98, 3, shape))
    block = np.where(has, 4 * (lang * 3 + category) + shape, _COMMENT_BLOCK_EMPTY)
    return _COMMENT_POOL.pick(block, rng.uniform(_R_COMMENT_PICK, slot))


def _first_anomalies(plan: ResponsePlan, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row is messy, field of its first anomaly: 0 response_id, 1 submitted_at, 2 score)."""
    messy = plan.rng.uniform(_R_MESSY, slot) < plan.spec.messy_rate
    return messy, plan.rng.choice(_R_MESSY_FIELD, slot, _MESSY_FIELD_WEIGHTS)


def _messy_assignments(
    plan: ResponsePlan, start: int, slot: np.ndarray, invalid_resub: np.ndarray
) -> np.ndarray:
    """Matrix (3, n) of anomaly kinds for response_id, submitted_at and score of the rows from
    start: 0 none, +k the k-th valid variant, -k the k-th invalid value."""
    rng, n = plan.rng, len(slot)
    kinds = np.zeros((3, n), dtype=np.int64)
    messy, first = _first_anomalies(plan, slot)
    before = plan.anomalies_before(start)
    second_u = rng.uniform(_R_MESSY_2, slot)
    second = messy & (second_u < 0.2)
    third = second & (rng.uniform(_R_MESSY_3, slot) < 0.25)
    other = (first + 1 + (second_u * 10).astype(np.int64) % 2) % 3
    pick_u = [rng.uniform(_R_MESSY_K0 + f, slot) for f in range(3)]
    invalid_kinds = []
    for f in range(3):
        n_invalid = len(_MESSY_INVALID[f])
        invalid_kind = -1 - np.minimum((pick_u[f] * n_invalid).astype(np.int64), n_invalid - 1)
        invalid_kinds.append(invalid_kind)
        is_first = messy & (first == f)
        rows = np.nonzero(is_first)[0]
        if len(rows):
            ordinal = before[f] + np.arange(len(rows))
            kinds[f, rows] = cycled_kinds(rng, _R_MESSY_CYCLE + f, _FIELD_KINDS[f], ordinal)
        before[f] += len(rows)
        # Second and third anomalies are always invalid: the row fails several rules.
        extra = (second & (other == f)) | (third & (first != f) & (other != f))
        kinds[f] = np.where(extra, invalid_kind, kinds[f])
    plan.anomalies_until(start + n, before)
    # An invalid resubmission: the later copy has an invalid score (or timestamp), its id is intact.
    if invalid_resub.any():
        use_ts = rng.uniform(_R_MESSY_OTHER, slot) < 0.3
        kinds[1] = np.where(invalid_resub & use_ts, invalid_kinds[1], kinds[1])
        kinds[2] = np.where(invalid_resub & ~use_ts, invalid_kinds[2], kinds[2])
        kinds[0] = np.where(invalid_resub & (kinds[0] < 0), 0, kinds[0])
    return kinds


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationResult:
    """What generate() wrote."""

    files: list[Path]
    rows_per_file: list[int]
    resubmissions: int
    messy_rows: int

    @property
    def rows(self) -> int:
        return sum(self.rows_per_file)


def history_start(start_date: date | str | None, end_date: date | str | None, days: int) -> date:
    """First day of a history of ``days`` days given its first or its last day (ISO strings allowed)."""
    if start_date is not None and end_date is not None:
        raise ValueError("give start_date or end_date, not both")
    if end_date is not None:
        last = date.fromisoformat(end_date) if isinstance(end_date, str) else end_date
        return last - timedelta(days=days - 1)
    if start_date is None:
        return DEFAULT_START_DATE
    return date.fromisoformat(start_date) if isinstance(start_date, str) else start_date


def check_files_arguments(rows: int, fmt: str, files: int, chunk_rows: int, prefix: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not 1 <= files <= rows:
        raise ValueError(f"files must be within [1, rows], got {files}")
    if not 1 <= chunk_rows <= MAX_CHUNK_ROWS:
        raise ValueError(f"chunk_rows must be within [1, {MAX_CHUNK_ROWS}], got {chunk_rows}")
    check_prefix(prefix)


def file_row_ranges(rows: int, files: int) -> list[tuple[int, int]]:
    """Rows first .. last-1 of each file: split evenly and in time order."""
    return [(rows * k // files, rows * (k + 1) // files) for k in range(files)]


def generate(
    out_dir: str | os.PathLike[str],
    *,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    fmt: str = "csv",
    files: int = 1,
    start_date: date | str | None = None,
    end_date: date | str | None = None,
    days: int = DEFAULT_DAYS,
    first_response: int = 1,
    resubmit_rate: float = DEFAULT_RESUBMIT_RATE,
    messy_rate: float = DEFAULT_MESSY_RATE,
    resubmit_from_range: tuple[int, int] | None = None,
    prefix: str = DEFAULT_PREFIX,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    overwrite: bool = False,
    progress: ProgressCallback | None = None,
) -> GenerationResult:
    """Write a batch of ``rows`` synthetic responses to ``files`` files in ``out_dir``.

    The history covers ``days`` days from ``start_date`` or up to ``end_date`` (inclusive; give at
    most one of them, default start 2026-08-03).  Rows are split evenly and in time order over
    ``{prefix}_0001.{ext}`` ... ; ``fmt`` is ``csv``, ``csv.gz``, ``parquet`` or ``mixed`` (CSV and
    Parquet alternately, starting with CSV).  The same arguments always give byte-identical files;
    CSV files do not depend on ``chunk_rows`` either (Parquet row groups follow the chunks).
    Files are written under a temporary name and renamed when complete.  Raises ``ValueError`` on
    invalid arguments and ``OutputExistsError`` when files of this prefix exist and ``overwrite``
    is false (``overwrite`` deletes them first).
    """
    spec = BatchSpec(
        rows,
        seed,
        history_start(start_date, end_date, days),
        days,
        first_response,
        resubmit_rate,
        messy_rate,
        resubmit_from_range,
    )
    spec.validate()
    check_files_arguments(rows, fmt, files, chunk_rows, prefix)
    plan = ResponsePlan(spec)
    out = Path(out_dir)
    prepare_output(out, prefix, overwrite)
    written: list[Path] = []
    per_file: list[int] = []
    stats = _ChunkStats()
    done = 0
    ranges = file_row_ranges(rows, files)
    for name, (first, last) in zip(output_file_names(files, fmt, prefix), ranges, strict=True):
        path = out / name
        with TableFileWriter(path, OUTPUT_COLUMNS) as writer:
            for a in range(first, last, chunk_rows):
                b = min(a + chunk_rows, last)
                table, chunk_stats = build_chunk(plan, a, b)
                writer.write(table)
                stats.resubmissions += chunk_stats.resubmissions
                stats.messy_rows += chunk_stats.messy_rows
                done += b - a
                if progress is not None:
                    progress(done, rows, path)
        written.append(path)
        per_file.append(last - first)
    return GenerationResult(written, per_file, stats.resubmissions, stats.messy_rows)
