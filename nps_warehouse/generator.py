"""Synthetic NPS survey exports that follow the landing contract of the project README.

The generator writes raw survey exports (CSV, gzip-compressed CSV or Parquet) with the ten
core columns of the contract plus ``language`` (``fr``/``en``, an optional column of the
contract, kept in staging).  Every value is a string (Parquet: all ``string`` columns, an empty
field written as null).

Design
------
* **Counter-based randomness.**  Every random draw is a hash of ``(seed, stream, key)`` where the
  key is a row slot, a response number, a customer number or an agent number.  Any row can be
  recomputed on its own (only a running count of anomalies is carried from chunk to chunk), so
  the output does not depend on the chunk size, memory use does not grow with the row count, and
  a resubmission can look up the row it resubmits without storing it.
* **Rows are time-ordered.**  Row ``i`` of a batch sits at position ``(i + jitter) / rows`` of the
  history and is mapped to a timestamp through cumulative day weights (fewer answers at weekends)
  and an intraday profile, so files split in row order cover consecutive periods (apart from
  stale copies and timestamps written without seconds, timestamps follow the row order).
* **Realistic scores.**  A latent score depends on the channel (in-app and chat higher, phone/IVR
  lower), the segment, the region, the agent, a yearly trend, weekly seasonality and a two-week
  phone/chat incident in September 2026, plus noise and a share of angry customers.  Only
  additions and multiplications are used, so the scores are the same on every platform.
* **Messiness.**  ``messy_rate`` is the share of rows with an anomaly in ``response_id``,
  ``submitted_at`` or ``score`` (valid but unusual spellings as well as invalid values, sometimes
  several at once).  Cosmetic variations (channel spellings, padded or lower-cased regions,
  offsets and fractions in timestamps, empty fields, unmapped channels, unknown regions) occur at
  rates proportional to it; ``messy_rate=0`` gives clean files.
* **Resubmissions.**  A share ``resubmit_rate`` of rows reuses the response id of an earlier row
  of the batch (usually with a later timestamp; some with exactly the same instant, some older
  "stale" copies, some invalid), or, with ``resubmit_from_range``, a response number of an earlier
  batch.  A response number fixes the customer, channel, survey and agent, so a resubmission of an
  earlier batch's response (same seed) keeps its attributes.

Only Latin letters with common French accents are used in channel, region and segment values, so
Python's ``str.lower``/``str.upper``/accent stripping and DuckDB's agree on them.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "CHANNELS",
    "COLUMNS",
    "DEFAULT_SEED",
    "EXTRA_COLUMNS",
    "FORMATS",
    "INVALID_SCORE_LITERALS",
    "OFF_LIST_SEGMENTS",
    "OUTPUT_COLUMNS",
    "REGIONS",
    "SEGMENTS",
    "UNKNOWN_REGIONS",
    "UNMAPPED_CHANNELS",
    "BatchSpec",
    "GenerationResult",
    "OutputExistsError",
    "build_rows",
    "csv_lines",
    "generate",
    "history_start",
    "output_file_names",
    "write_csv",
]

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
OUTPUT_COLUMNS: tuple[str, ...] = COLUMNS + EXTRA_COLUMNS
FORMATS: tuple[str, ...] = ("csv", "csv.gz", "parquet", "mixed")

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

# --------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------

CHANNELS: tuple[str, ...] = ("email", "sms", "phone", "web", "chat", "whatsapp", "in_app")
_CHANNEL_WEIGHTS = (0.30, 0.13, 0.17, 0.14, 0.10, 0.05, 0.11)
_CHANNEL_EFFECT = np.array([0.0, -0.2, -1.0, -0.25, 0.5, 0.35, 0.9])
_AGENT_PRESENT = np.array([0.5, 0.45, 1.0, 0.2, 0.95, 0.9, 0.1])
_PHONE, _CHAT = CHANNELS.index("phone"), CHANNELS.index("chat")

# Exact aliases of seeds/nps_channel_aliases.csv (repetition = weight) and spelled variants that
# reduce to the same key (trim, lower, strip accents, drop spaces, '-' and '_').
_CHANNEL_CLEAN: dict[str, tuple[str, ...]] = {
    "email": ("email", "email", "email", "email", "e-mail", "mail", "courriel"),
    "sms": ("sms", "sms", "sms", "sms", "texto", "text", "text message"),
    "phone": ("phone", "phone", "telephone", "téléphone", "ivr", "ivr", "call", "appel", "voice"),
    "web": ("web", "web", "web", "website", "site web", "web survey", "link", "lien", "online"),
    "chat": ("chat", "chat", "chat", "live chat", "webchat"),
    "whatsapp": ("whatsapp",),
    "in_app": ("in_app", "in_app", "in-app", "app", "mobile app", "application"),
}
_CHANNEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "email": (
        "E-Mail",
        "EMAIL",
        "Email",
        "E-mail",
        "e_mail",
        " email",
        "email ",
        "É-mail",
        "Courriel",
        "COURRIEL",
        "Mail",
        "\tEmail",
    ),
    "sms": ("SMS", "Sms", " sms ", "Texto", "TEXTO", "Text Message", "text-message", "Text_Message"),
    "phone": (
        "Téléphone",
        "TÉLÉPHONE",
        "Telephone",
        "Phone",
        "PHONE",
        "IVR",
        "Ivr",
        "Appel",
        "appel ",
        "Call",
        "Voice",
        "télé-phone",
    ),
    "web": (
        "Web",
        "WEB",
        "SITE WEB",
        "Site Web",
        "site-web",
        "site_web",
        "WebSite",
        "Web Survey",
        "web-survey",
        "Lien",
        "Online",
        "on-line",
        " web ",
    ),
    "chat": (
        "Chat",
        "CHAT",
        " live_chat ",
        "Live Chat",
        "live-chat",
        "LiveChat",
        "Web Chat",
        "web_chat",
        "WEBCHAT",
        "chat\t",
    ),
    "whatsapp": ("WhatsApp", "WHATSAPP", "Whats App", "whats-app", "whats_app", " Whatsapp"),
    "in_app": (
        "In-App",
        "IN_APP",
        "in app",
        "In App",
        "APP",
        "App",
        "Mobile App",
        "mobile-app",
        "Application",
        "APPLICATION",
        " in-app ",
    ),
}
UNMAPPED_CHANNELS: tuple[str, ...] = (
    "fax", "Fax", "kiosk", "Kiosk", "QR code", "qr-code", "QR_CODE", "borne", "Borne interactive",
    "courrier", "Courrier postal", "magasin", "En magasin", "Messenger",
)  # fmt: skip
_EMPTY_VALUES = ("", "", "", " ", "  ", "\t")

REGIONS: tuple[str, ...] = (
    "ARA", "BFC", "BRE", "CVL", "COR", "GES", "HDF", "IDF", "NOR", "NAQ", "OCC", "PDL", "PAC",
)  # fmt: skip
_REGION_WEIGHTS = (0.12, 0.04, 0.05, 0.04, 0.005, 0.08, 0.09, 0.19, 0.05, 0.09, 0.09, 0.06, 0.08)
_REGION_EFFECT = np.array([0.1, 0.05, 0.35, 0.0, 0.2, -0.1, -0.25, -0.35, 0.05, 0.15, 0.1, 0.25, -0.15])
UNKNOWN_REGIONS: tuple[str, ...] = ("DOM", "dom", "REU", "GUA", " MC ")

SEGMENTS: tuple[str, ...] = ("consumer", "smb", "mid_market", "enterprise")
_SEGMENT_WEIGHTS = (0.60, 0.22, 0.12, 0.06)
_SEGMENT_EFFECT = np.array([0.1, 0.25, -0.15, -0.5])
_SEGMENT_VARIANTS: dict[str, tuple[str, ...]] = {
    "consumer": ("Consumer", "CONSUMER", " consumer", "consumer ", "Consumer\t"),
    "smb": ("SMB", "Smb", " smb ", "SMB "),
    "mid_market": ("Mid_Market", "MID_MARKET", " mid_market", "Mid_market "),
    "enterprise": ("Enterprise", "ENTERPRISE", "enterprise ", " Enterprise"),
}
OFF_LIST_SEGMENTS: tuple[str, ...] = ("public_sector", "Public_Sector", "partner")

_SURVEYS_BY_CHANNEL: dict[str, tuple[str, ...]] = {
    "email": ("RNPS-2026", "RNPS-2026", "TNPS-STORE", "TNPS-DELIVERY"),
    "sms": ("TNPS-STORE", "TNPS-STORE", "TNPS-DELIVERY", "RNPS-2026"),
    "phone": ("TNPS-CALL",),
    "web": ("RNPS-2026", "TNPS-WEB", "TNPS-WEB"),
    "chat": ("TNPS-CHAT",),
    "whatsapp": ("TNPS-CHAT", "TNPS-DELIVERY"),
    "in_app": ("TNPS-APP",),
}

_CUSTOMERS = 10_000_000
_AGENTS_PER_REGION = 60

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
    ),
    ("en", "passive"): (
        "OK, nothing special.",
        "Good service but slow turnaround.",
        "Friendly agent, but the issue is not fixed yet.",
        "Does the job. Prices went up, though.",
        "Nothing to report",
        "Website is handy, sometimes slow.",
        'The "order tracking" page is not always up to date.',
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

# --------------------------------------------------------------------------------------------------
# Counter-based random numbers (splitmix64 over numpy uint64 arrays)
# --------------------------------------------------------------------------------------------------

_MASK64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_MUL1 = 0xBF58476D1CE4E5B9
_MUL2 = 0x94D049BB133111EB
_NP_MUL1, _NP_MUL2 = np.uint64(_MUL1), np.uint64(_MUL2)
_NP_S30, _NP_S27, _NP_S31, _NP_S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_POW_MINUS_53 = 2.0**-53
_SQRT3 = 1.7320508075688772


def _mix64_int(x: int) -> int:
    x = (x + _GAMMA) & _MASK64
    x = ((x ^ (x >> 30)) * _MUL1) & _MASK64
    x = ((x ^ (x >> 27)) * _MUL2) & _MASK64
    return x ^ (x >> 31)


class _Random:
    """Stateless random numbers: each draw is a hash of (seed, stream, key)."""

    def __init__(self, seed: int) -> None:
        self._base = _mix64_int(seed & _MASK64)
        self._keys: dict[int, np.uint64] = {}

    def bits(self, stream: int, keys: np.ndarray) -> np.ndarray:
        key = self._keys.get(stream)
        if key is None:
            key = np.uint64(_mix64_int(self._base ^ ((stream * 0xD1B54A32D192ED03) & _MASK64)))
            self._keys[stream] = key
        x = keys.astype(np.uint64)
        x += key
        x ^= x >> _NP_S30
        x *= _NP_MUL1
        x ^= x >> _NP_S27
        x *= _NP_MUL2
        x ^= x >> _NP_S31
        return x

    def uniform(self, stream: int, keys: np.ndarray) -> np.ndarray:
        """Floats in [0, 1)."""
        return (self.bits(stream, keys) >> _NP_S11).astype(np.float64) * _TWO_POW_MINUS_53

    def below(self, stream: int, keys: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """Integers in [0, n) (n may vary per key)."""
        return np.minimum((self.uniform(stream, keys) * n).astype(np.int64), np.asarray(n) - 1)

    def choice(self, stream: int, keys: np.ndarray, weights: Sequence[float]) -> np.ndarray:
        """Indexes into weights, drawn with the given (unnormalised) weights."""
        cum = np.cumsum(np.asarray(weights, dtype=np.float64))
        cum /= cum[-1]
        return np.minimum(np.searchsorted(cum, self.uniform(stream, keys), side="right"), len(cum) - 1)

    def normal(self, stream: int, keys: np.ndarray) -> np.ndarray:
        """Approximately standard normal (Irwin-Hall of four uniforms): arithmetic only."""
        total = self.uniform(stream, keys)
        for k in range(1, 4):
            total += self.uniform(stream + 1000 * k, keys)
        return (total - 2.0) * _SQRT3


# Stream ids: one per independent draw.
_S_JITTER, _S_RESUB, _S_RESUB_KIND, _S_LAG_MODE, _S_LAG, _S_RANGE, _S_STALE, _S_TIE_FMT = range(1, 9)
_N_CUSTOMER, _N_CHANNEL, _N_SURVEY, _N_AGENT, _N_AGENT_PRESENT = range(20, 25)
_C_REGION, _C_SEGMENT, _C_LANG = range(30, 33)
_A_EFFECT = 40
_R_NOISE, _R_ANGRY, _R_ANGRY_NOISE, _R_COMMENT_HAS, _R_COMMENT_SHAPE, _R_COMMENT_PICK = range(50, 56)
_R_COMMENT_DECOR = 58
_R_TS_FMT, _R_TS_PICK, _R_CH_KIND, _R_CH_PICK, _R_REG_KIND, _R_REG_PICK, _R_SEG_KIND = range(60, 67)
_R_SEG_PICK, _R_CUST_KIND, _R_AGENT_KIND, _R_SURVEY_KIND, _R_PAD = range(67, 72)
_R_MESSY, _R_MESSY_FIELD, _R_MESSY_2, _R_MESSY_3, _R_MESSY_K0, _R_MESSY_K1, _R_MESSY_K2 = range(80, 87)
_R_MESSY_CYCLE, _R_MESSY_OTHER = 87, 90


# --------------------------------------------------------------------------------------------------
# Pools of strings
# --------------------------------------------------------------------------------------------------


class _Pool:
    """A string array made of blocks; pick(block, u) takes a uniformly chosen value of each block."""

    def __init__(self, blocks: Sequence[Sequence[str]]) -> None:
        values: list[str] = []
        offsets: list[int] = []
        for block in blocks:
            if not block:
                raise ValueError("empty pool block")
            offsets.append(len(values))
            values.extend(block)
        self.values = values
        self.array = pa.array(values, pa.string())
        self.offsets = np.array(offsets, dtype=np.int64)
        self.counts = np.array([len(b) for b in blocks], dtype=np.int64)

    def pick(self, block: np.ndarray, u: np.ndarray) -> pa.Array:
        counts = self.counts[block]
        index = self.offsets[block] + np.minimum((u * counts).astype(np.int64), counts - 1)
        return self.array.take(pa.array(index))


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


_CHANNEL_POOL = _Pool(
    [list(_CHANNEL_CLEAN[c]) for c in CHANNELS]
    + [list(_CHANNEL_VARIANTS[c]) for c in CHANNELS]
    + [list(UNMAPPED_CHANNELS), list(_EMPTY_VALUES)]
)
_CH_BLOCK_VARIANT, _CH_BLOCK_UNMAPPED, _CH_BLOCK_EMPTY = (
    len(CHANNELS),
    2 * len(CHANNELS),
    2 * len(CHANNELS) + 1,
)

_REGION_POOL = _Pool(
    [[r] for r in REGIONS]
    + [[r.lower(), r.title(), f" {r}", f"{r} ", f" {r.lower()} ", f"{r}\t", r] for r in REGIONS]
    + [list(UNKNOWN_REGIONS), list(_EMPTY_VALUES)]
)
_REG_BLOCK_VARIANT, _REG_BLOCK_UNKNOWN, _REG_BLOCK_EMPTY = (
    len(REGIONS),
    2 * len(REGIONS),
    2 * len(REGIONS) + 1,
)

_SEGMENT_POOL = _Pool(
    [[s] for s in SEGMENTS]
    + [list(_SEGMENT_VARIANTS[s]) for s in SEGMENTS]
    + [list(OFF_LIST_SEGMENTS), list(_EMPTY_VALUES)]
)
_SEG_BLOCK_VARIANT, _SEG_BLOCK_OFF, _SEG_BLOCK_EMPTY = len(SEGMENTS), 2 * len(SEGMENTS), 2 * len(SEGMENTS) + 1

_SURVEY_POOL = _Pool([list(_SURVEYS_BY_CHANNEL[c]) for c in CHANNELS])
_COMMENT_POOL = _Pool(_comment_blocks())
_COMMENT_BLOCK_EMPTY = len(_COMMENT_POOL.counts) - 1
_SCORE_STRINGS = pa.array([str(s) for s in range(11)], pa.string())
_LANG_STRINGS = pa.array(list(_LANGS), pa.string())

# --------------------------------------------------------------------------------------------------
# Dates and timestamps
# --------------------------------------------------------------------------------------------------

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_US_PER_DAY = 24 * _US_PER_HOUR
_EPOCH = date(1970, 1, 1)
_TREND_REFERENCE = date(2026, 1, 1)
_INCIDENT = (date(2026, 9, 14), date(2026, 9, 28))  # phone / chat outage: [first day, end day)

# Answers per weekday (Monday first) and per UTC hour.
_WEEKDAY_VOLUME = (1.15, 1.1, 1.05, 1.05, 1.0, 0.7, 0.55)
_WEEKDAY_EFFECT = np.array([-0.15, -0.05, 0.0, 0.0, 0.1, 0.2, 0.1])
_HOUR_VOLUME = (
    0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 4.0, 5.0, 5.5, 5.5,
    5.0, 5.5, 5.5, 5.0, 4.5, 4.5, 4.0, 3.5, 2.5, 1.5, 0.8, 0.4,
)  # fmt: skip


@dataclass(frozen=True)
class _TsFormat:
    sep: str  # "T" or " "
    seconds: bool
    fraction: int  # 0..6 digits
    offset: str  # "Z", "naive" (no offset, UTC), "fixed", "paris" (Europe/Paris local time)
    minutes: int = 0  # offset of "fixed"

    @property
    def quantum_us(self) -> int:
        if not self.seconds:
            return _US_PER_MINUTE
        return 10 ** (6 - self.fraction)


# Format 0 is canonical; the others are valid variants, drawn with the given weights.
_TS_FORMATS: tuple[tuple[int, _TsFormat], ...] = (
    (0, _TsFormat("T", True, 0, "Z")),
    (4, _TsFormat("T", True, 3, "Z")),
    (2, _TsFormat("T", True, 6, "Z")),
    (1, _TsFormat("T", True, 1, "Z")),
    (1, _TsFormat("T", True, 2, "Z")),
    (1, _TsFormat(" ", True, 4, "naive")),
    (1, _TsFormat("T", True, 5, "paris")),
    (4, _TsFormat(" ", True, 0, "naive")),
    (3, _TsFormat("T", True, 0, "naive")),
    (6, _TsFormat("T", True, 0, "paris")),
    (4, _TsFormat(" ", True, 0, "paris")),
    (2, _TsFormat("T", True, 3, "paris")),
    (3, _TsFormat("T", False, 0, "Z")),
    (3, _TsFormat(" ", False, 0, "naive")),
    (1, _TsFormat(" ", False, 0, "paris")),
    (2, _TsFormat("T", True, 0, "fixed", 0)),
    (1, _TsFormat(" ", True, 0, "Z")),
    (1, _TsFormat("T", True, 0, "fixed", -300)),
    (1, _TsFormat("T", True, 0, "fixed", 330)),
    (1, _TsFormat("T", True, 0, "fixed", -240)),
    (1, _TsFormat("T", True, 0, "fixed", 240)),
    (1, _TsFormat("T", True, 0, "fixed", -210)),
    (1, _TsFormat("T", True, 0, "fixed", 825)),
    (1, _TsFormat("T", True, 6, "fixed", 600)),
)
_TS_VARIANT_WEIGHTS = [w for w, _ in _TS_FORMATS[1:]]
_TS_QUANTUM = np.array([f.quantum_us for _, f in _TS_FORMATS], dtype=np.int64)
# For each format, the formats of the same precision (a tie may be written differently).
_TS_SAME_PRECISION: list[np.ndarray] = [
    np.array([k for k, (_, g) in enumerate(_TS_FORMATS) if g.quantum_us == f.quantum_us], dtype=np.int64)
    for _, f in _TS_FORMATS
]


def _civil_from_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of days since 1970-01-01 (proleptic Gregorian), vectorised."""
    z = days + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _days_since_epoch(d: date) -> int:
    return d.toordinal() - _EPOCH.toordinal()


def _last_sunday_us(year: int, month: int) -> int:
    """01:00 UTC on the last Sunday of the month (EU summer-time switch)."""
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    last -= timedelta(days=(last.weekday() + 1) % 7)
    return _days_since_epoch(last) * _US_PER_DAY + _US_PER_HOUR


def _paris_offset_minutes(instant_us: np.ndarray) -> np.ndarray:
    """UTC offset of Europe/Paris (EU rules: +02:00 from the last Sunday of March to the last
    Sunday of October, 01:00 UTC; +01:00 otherwise)."""
    years, _, _ = _civil_from_days(np.floor_divide(instant_us, _US_PER_DAY))
    offset = np.full(instant_us.shape, 60, dtype=np.int64)
    for year in np.unique(years).tolist():
        in_year = years == year
        start, end = _last_sunday_us(year, 3), _last_sunday_us(year, 10)
        offset[in_year & (instant_us >= start) & (instant_us < end)] = 120
    return offset


_DIGIT_GROUPS = np.array([list(f"{k:04d}".encode("ascii")) for k in range(10_000)], dtype=np.uint8)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative integers, zero-padded to width: uint8 matrix (n, width)."""
    groups = -(-width // 4)
    parts = [_DIGIT_GROUPS[(values // 10 ** (4 * g)) % 10_000] for g in range(groups - 1, -1, -1)]
    matrix = parts[0] if groups == 1 else np.concatenate(parts, axis=1)
    return matrix[:, 4 * groups - width :]


def _literal(n: int, text: str) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(text.encode("ascii"), dtype=np.uint8), (n, len(text)))


def _assemble(n: int, pieces: Sequence[tuple[np.ndarray, np.ndarray]]) -> pa.StringArray:
    """Build a string array of n values from (row positions, uint8 matrix) pieces covering all rows."""
    if len(pieces) == 1 and len(pieces[0][0]) == n:
        matrix = np.ascontiguousarray(pieces[0][1])
        width = matrix.shape[1]
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix))
    max_width = max(matrix.shape[1] for _, matrix in pieces)
    lengths = np.zeros(n, dtype=np.int32)
    padded = np.zeros((n, max_width), dtype=np.uint8)
    for rows, matrix in pieces:
        lengths[rows] = matrix.shape[1]
        padded[rows, : matrix.shape[1]] = matrix
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = padded[np.arange(max_width) < lengths[:, None]]
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _render_timestamps(instant_us: np.ndarray, codes: np.ndarray) -> pa.StringArray:
    """Timestamps (already quantised to their format) rendered in their format codes."""
    n = len(instant_us)
    pieces: list[tuple[np.ndarray, np.ndarray]] = []
    for code in np.unique(codes).tolist():
        rows = np.nonzero(codes == code)[0]
        fmt = _TS_FORMATS[code][1]
        t = instant_us[rows]
        m = len(rows)
        if fmt.offset == "paris":
            offset = _paris_offset_minutes(t)
        else:
            offset = np.full(m, fmt.minutes, dtype=np.int64)
        local = t + offset * _US_PER_MINUTE
        days = np.floor_divide(local, _US_PER_DAY)
        in_day = local - days * _US_PER_DAY
        year, month, day = _civil_from_days(days)
        parts = [
            _digits(year, 4),
            _literal(m, "-"),
            _digits(month, 2),
            _literal(m, "-"),
            _digits(day, 2),
            _literal(m, fmt.sep),
            _digits(in_day // _US_PER_HOUR, 2),
            _literal(m, ":"),
            _digits(in_day // _US_PER_MINUTE % 60, 2),
        ]
        if fmt.seconds:
            parts += [_literal(m, ":"), _digits(in_day // _US_PER_SECOND % 60, 2)]
            if fmt.fraction:
                frac = (in_day % _US_PER_SECOND) // 10 ** (6 - fmt.fraction)
                parts += [_literal(m, "."), _digits(frac, fmt.fraction)]
        if fmt.offset == "Z":
            parts.append(_literal(m, "Z"))
        elif fmt.offset in ("fixed", "paris"):
            sign = np.where(offset < 0, ord("-"), ord("+")).astype(np.uint8)[:, None]
            absolute = np.abs(offset)
            parts += [sign, _digits(absolute // 60, 2), _literal(m, ":"), _digits(absolute % 60, 2)]
        pieces.append((rows, np.concatenate(parts, axis=1)))
    return _assemble(n, pieces)


def _utc_datetime(instant_us: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=instant_us)


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
    return (_utc_datetime(ctx.instant_us) + timedelta(minutes=offset_minutes)).strftime(pattern)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _bad_feb_29(ctx: _Ctx) -> str:
    year = _utc_datetime(ctx.instant_us).year
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
    lambda c: str(c.instant_us // _US_PER_SECOND),
    lambda c: str(_utc_datetime(c.instant_us).year + 1000) + _ts(c, "-%m-%dT%H:%M:%SZ"),
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


class _Plan:
    """Everything derived once from a BatchSpec."""

    def __init__(self, spec: BatchSpec) -> None:
        spec.validate()
        self.spec = spec
        self.rng = _Random(spec.seed)
        self.first_day = _days_since_epoch(spec.start_date)
        day_numbers = self.first_day + np.arange(spec.days, dtype=np.int64)
        weekday = (day_numbers + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        weights = np.array(_WEEKDAY_VOLUME)[weekday] * (1.0 + 0.002 * np.arange(spec.days))
        self.day_cum = np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
        hours = np.array(_HOUR_VOLUME)
        self.hour_cum = np.concatenate([[0.0], np.cumsum(hours) / hours.sum()])
        per_day = spec.rows / spec.days
        self.short_window = max(1, int(per_day * 0.25))
        self.long_window = max(1, int(per_day * 21))
        self.id_width = max(10, len(str(max(spec.last_response, (spec.resubmit_from_range or (0, 0))[1]))))
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
        self._anomaly_cursor: tuple[int, np.ndarray] = (0, np.zeros(3, dtype=np.int64))

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

    # ---- time -----------------------------------------------------------------------------------

    def position_instant(self, idx: np.ndarray) -> np.ndarray:
        """UTC instant (microseconds since 1970) of rows idx; non-decreasing in idx."""
        position = (idx + self.rng.uniform(_S_JITTER, idx + self.spec.first_response)) / self.spec.rows
        day = np.clip(np.searchsorted(self.day_cum, position, side="right") - 1, 0, self.spec.days - 1)
        width = self.day_cum[day + 1] - self.day_cum[day]
        in_day = np.clip((position - self.day_cum[day]) / width, 0.0, 1.0 - 1e-12)
        hour = np.clip(np.searchsorted(self.hour_cum, in_day, side="right") - 1, 0, 23)
        in_hour = (in_day - self.hour_cum[hour]) / (self.hour_cum[hour + 1] - self.hour_cum[hour])
        micros = np.minimum((in_hour * _US_PER_HOUR).astype(np.int64), _US_PER_HOUR - 1)
        return (self.first_day + day) * _US_PER_DAY + hour * _US_PER_HOUR + micros

    def ts_format(self, idx: np.ndarray) -> np.ndarray:
        slot = idx + self.spec.first_response
        variant = self.rng.uniform(_R_TS_FMT, slot) < self.p_ts_variant
        pick = 1 + self.rng.choice(_R_TS_PICK, slot, _TS_VARIANT_WEIGHTS)
        return np.where(variant, pick, 0)

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


@dataclass
class _ChunkStats:
    rows: int = 0
    resubmissions: int = 0
    messy_rows: int = 0


def build_rows(spec: BatchSpec, start: int = 0, stop: int | None = None) -> pa.Table:
    """Rows ``start .. stop-1`` of a batch as a table of string columns (empty fields as "")."""
    return _build_chunk(_Plan(spec), start, spec.rows if stop is None else stop)[0]


def _build_chunk(plan: _Plan, start: int, stop: int) -> tuple[pa.Table, _ChunkStats]:
    spec, rng = plan.spec, plan.rng
    if not 0 <= start <= stop <= spec.rows:
        raise ValueError(f"rows {start}..{stop} outside the batch of {spec.rows} rows")
    n = stop - start
    idx = np.arange(start, stop, dtype=np.int64)
    slot = idx + spec.first_response

    # Response numbers: a resubmission reuses the number of an earlier response.
    is_resub, resub_kind, target = plan.resubmission(idx)
    if spec.resubmit_from_range is None:
        original = plan.original_rows(idx, is_resub, target)
        number = original + spec.first_response
    else:
        low, high = spec.resubmit_from_range
        original = idx
        number = np.where(is_resub, low + rng.below(_S_RANGE, slot, high - low + 1), slot)

    # Timestamps (quantised to the precision of their format).
    codes = plan.ts_format(idx)
    instant = plan.position_instant(idx)
    if spec.resubmit_from_range is None and is_resub.any():
        tie = is_resub & (resub_kind == _RESUB_TIE)
        stale = is_resub & (resub_kind == _RESUB_STALE)
        ref = np.nonzero(tie | stale)[0]
        if len(ref):
            ref_rows = original[ref]
            ref_codes = plan.ts_format(ref_rows)
            ref_instant = plan.position_instant(ref_rows)
            ref_instant -= ref_instant % _TS_QUANTUM[ref_codes]
            minutes_back = 1 + rng.below(_S_STALE, slot[ref], 180)
            is_tie = tie[ref]
            instant[ref] = np.where(is_tie, ref_instant, ref_instant - minutes_back * _US_PER_MINUTE)
            # A tie keeps the precision of the original, possibly with another offset notation.
            tie_rows = ref[is_tie]
            if len(tie_rows):
                same = [_TS_SAME_PRECISION[c] for c in ref_codes[is_tie].tolist()]
                u = rng.uniform(_S_TIE_FMT, slot[tie_rows])
                other = [s[min(int(x * len(s)), len(s) - 1)] for s, x in zip(same, u, strict=True)]
                keep = (u < 0.5) | (plan.p_ts_variant == 0)
                codes[tie_rows] = np.where(keep, ref_codes[is_tie], other)
    instant -= instant % _TS_QUANTUM[codes]

    # Attributes fixed by the response number, the customer and the agent.
    customer = rng.below(_N_CUSTOMER, number, _CUSTOMERS)
    channel = rng.choice(_N_CHANNEL, number, _CHANNEL_WEIGHTS)
    region = rng.choice(_C_REGION, customer, _REGION_WEIGHTS)
    segment = rng.choice(_C_SEGMENT, customer, _SEGMENT_WEIGHTS)
    lang = (rng.uniform(_C_LANG, customer) < 0.15).astype(np.int64)
    has_agent = rng.uniform(_N_AGENT_PRESENT, number) < _AGENT_PRESENT[channel]
    agent = region * _AGENTS_PER_REGION + rng.below(_N_AGENT, number, _AGENTS_PER_REGION)

    # Scores.
    day_number = np.floor_divide(instant, _US_PER_DAY)
    weekday = (day_number + 3) % 7
    trend = np.clip((day_number - _days_since_epoch(_TREND_REFERENCE)) * (0.9 / 365.0), -1.5, 1.5)
    incident = (
        (day_number >= _days_since_epoch(_INCIDENT[0]))
        & (day_number < _days_since_epoch(_INCIDENT[1]))
        & ((channel == _PHONE) | (channel == _CHAT))
    )
    agent_effect = np.where(has_agent, (rng.uniform(_A_EFFECT, agent) - 0.5) * 1.4, 0.0)
    mu = (
        7.7
        + _CHANNEL_EFFECT[channel]
        + _SEGMENT_EFFECT[segment]
        + _REGION_EFFECT[region]
        + _WEEKDAY_EFFECT[weekday]
        + trend
        + agent_effect
        - 1.3 * incident
    )
    latent = mu + 2.0 * rng.normal(_R_NOISE, slot)
    angry = rng.uniform(_R_ANGRY, slot) < np.where(channel == _PHONE, 0.09, 0.05) + 0.06 * incident
    latent = np.where(angry, 2.0 + 2.0 * rng.normal(_R_ANGRY_NOISE, slot), latent)
    score = np.clip(np.floor(latent + 0.5), 0, 10).astype(np.int64)
    category = np.where(score <= 6, 0, np.where(score <= 8, 1, 2))

    # String columns.
    response_id = _prefixed_numbers("R", number, plan.id_width)
    customer_id = _prefixed_numbers("C", customer, 8)
    agent_id = pc.if_else(pa.array(has_agent), _prefixed_numbers("AG", agent, 4), "")
    survey_id = _SURVEY_POOL.pick(channel, rng.uniform(_N_SURVEY, number))
    channel_raw = _pick_with_kinds(
        _CHANNEL_POOL,
        rng.uniform(_R_CH_KIND, slot),
        plan.channel_thresholds,
        (_CH_BLOCK_EMPTY, _CH_BLOCK_UNMAPPED, _CH_BLOCK_VARIANT + channel, channel),
        rng.uniform(_R_CH_PICK, slot),
    )
    region_raw = _pick_with_kinds(
        _REGION_POOL,
        rng.uniform(_R_REG_KIND, slot),
        plan.region_thresholds,
        (_REG_BLOCK_EMPTY, _REG_BLOCK_UNKNOWN, _REG_BLOCK_VARIANT + region, region),
        rng.uniform(_R_REG_PICK, slot),
    )
    segment_raw = _pick_with_kinds(
        _SEGMENT_POOL,
        rng.uniform(_R_SEG_KIND, slot),
        plan.segment_thresholds,
        (_SEG_BLOCK_EMPTY, _SEG_BLOCK_OFF, _SEG_BLOCK_VARIANT + segment, segment),
        rng.uniform(_R_SEG_PICK, slot),
    )
    pad_u = rng.uniform(_R_PAD, slot)
    u = rng.uniform(_R_CUST_KIND, slot)
    customer_id = _blank_or_pad(customer_id, u < plan.p_customer_empty, u > 1.0 - plan.p_customer_pad, pad_u)
    u = rng.uniform(_R_AGENT_KIND, slot)
    agent_id = _blank_or_pad(agent_id, np.zeros(n, dtype=bool), (u < plan.p_agent_pad) & has_agent, pad_u)
    u = rng.uniform(_R_SURVEY_KIND, slot)
    survey_id = _blank_or_pad(survey_id, u < plan.p_survey_empty, u > 1.0 - plan.p_survey_pad, pad_u)
    comment = _comments(rng, slot, lang, category)
    submitted_at = _render_timestamps(instant, codes)
    score_raw = _SCORE_STRINGS.take(pa.array(score))

    # Messy response_id / submitted_at / score values.
    invalid_resub = is_resub & (resub_kind == _RESUB_INVALID) & (spec.messy_rate > 0)
    messy = _messy_assignments(plan, start, slot, invalid_resub)
    messy_rows = np.nonzero(messy.any(axis=0))[0]
    if len(messy_rows):
        base_ids = response_id.take(pa.array(messy_rows)).to_pylist()
        contexts = [
            _Ctx(rid, t, s)
            for rid, t, s in zip(
                base_ids, instant[messy_rows].tolist(), score[messy_rows].tolist(), strict=True
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
            mask = np.zeros(n, dtype=bool)
            mask[messy_rows[hit]] = True
            columns[f] = pc.replace_with_mask(columns[f], pa.array(mask), pa.array(values, pa.string()))
        response_id, submitted_at, score_raw = columns

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
            _LANG_STRINGS.take(pa.array(lang)),
        ],
        names=list(OUTPUT_COLUMNS),
    )
    return table, _ChunkStats(n, int(is_resub.sum()), len(messy_rows))


def _prefixed_numbers(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    n = len(numbers)
    rows = np.arange(n)
    return _assemble(n, [(rows, np.concatenate([_literal(n, prefix), _digits(numbers, width)], axis=1))])


def _pick_with_kinds(
    pool: _Pool,
    u_kind: np.ndarray,
    thresholds: np.ndarray,
    blocks: Sequence[int | np.ndarray],
    u_pick: np.ndarray,
) -> pa.Array:
    """Block blocks[k] where k is the first threshold above u_kind (the last block otherwise)."""
    kind = np.searchsorted(thresholds, u_kind, side="right")
    block = np.select([kind == k for k in range(len(blocks) - 1)], list(blocks[:-1]), default=blocks[-1])
    return pool.pick(np.asarray(block, dtype=np.int64), u_pick)


_PADS = ((" ", ""), ("", " "), (" ", " "), ("\t", ""), ("  ", "  "))


def _blank_or_pad(values: pa.Array, blank: np.ndarray, pad: np.ndarray, pad_u: np.ndarray) -> pa.Array:
    pad = pad & ~blank
    if pad.any():
        rows = np.nonzero(pad)[0]
        which = (pad_u[rows] * len(_PADS)).astype(np.int64)
        padded = [
            f"{_PADS[w][0]}{v}{_PADS[w][1]}"
            for w, v in zip(which.tolist(), values.take(pa.array(rows)).to_pylist(), strict=True)
        ]
        values = pc.replace_with_mask(values, pa.array(pad), pa.array(padded, pa.string()))
    if blank.any():
        values = pc.if_else(pa.array(blank), "", values)
    return values


def _comments(rng: _Random, slot: np.ndarray, lang: np.ndarray, category: np.ndarray) -> pa.Array:
    has = rng.uniform(_R_COMMENT_HAS, slot) < _COMMENT_PROBABILITY[category]
    # One sentence, two sentences, or (rarely) one sentence in quotes or followed by a line break.
    shape = (rng.uniform(_R_COMMENT_SHAPE, slot) < 0.35).astype(np.int64)
    decor = rng.uniform(_R_COMMENT_DECOR, slot)
    shape = np.where(decor < 0.04, 2, np.where(decor > 0.98, 3, shape))
    block = np.where(has, 4 * (lang * 3 + category) + shape, _COMMENT_BLOCK_EMPTY)
    return _COMMENT_POOL.pick(block, rng.uniform(_R_COMMENT_PICK, slot))


def _first_anomalies(plan: _Plan, slot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row is messy, field of its first anomaly: 0 response_id, 1 submitted_at, 2 score)."""
    messy = plan.rng.uniform(_R_MESSY, slot) < plan.spec.messy_rate
    return messy, plan.rng.choice(_R_MESSY_FIELD, slot, _MESSY_FIELD_WEIGHTS)


def _cycled_kinds(plan: _Plan, field: int, ordinal: np.ndarray) -> np.ndarray:
    """Kind of the ordinal-th first anomaly of a field: the kinds come in shuffled cycles holding
    each kind once, so every kind appears as soon as a batch has one cycle of anomalies."""
    kinds = _FIELD_KINDS[field]
    length = len(kinds)
    cycle, position = np.divmod(ordinal, length)
    cycles, inverse = np.unique(cycle, return_inverse=True)
    keys = cycles[:, None] * length + np.arange(length)
    order = np.argsort(plan.rng.bits(_R_MESSY_CYCLE + field, keys.ravel()).reshape(keys.shape), axis=1)
    return kinds[order[inverse, position]]


def _messy_assignments(plan: _Plan, start: int, slot: np.ndarray, invalid_resub: np.ndarray) -> np.ndarray:
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
            kinds[f, rows] = _cycled_kinds(plan, f, before[f] + np.arange(len(rows)))
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
# Writers
# --------------------------------------------------------------------------------------------------

_SPECIAL_BYTES = np.zeros(256, dtype=bool)
_SPECIAL_BYTES[[ord(","), ord('"'), ord("\r"), ord("\n")]] = True


def _needs_quotes(col: pa.StringArray) -> np.ndarray | None:
    """Rows whose value holds a comma, a double quote, CR or LF (None when there are none)."""
    _, offsets_buffer, data_buffer = col.buffers()
    if data_buffer is None:
        return None
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=len(col) + 1, offset=4 * col.offset)
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    special = np.flatnonzero(_SPECIAL_BYTES[data])
    if not len(special):
        return None
    need = np.zeros(len(col), dtype=bool)
    need[np.searchsorted(offsets - offsets[0], special, side="right") - 1] = True
    return need


def csv_lines(table: pa.Table) -> pa.StringArray:
    """One RFC 4180 line per row (fields quoted only when they contain a comma, a double quote, CR
    or LF; quotes doubled; each line ends with LF)."""
    cells: list[pa.Array] = []
    for column in table.columns:
        col = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if col.type != pa.string():
            col = col.cast(pa.string())
        if col.null_count:
            col = pc.fill_null(col, "")
        need = _needs_quotes(col)
        if need is not None:
            mask = pa.array(need)
            sub = pc.filter(col, mask)
            quoted = pc.binary_join_element_wise('"', pc.replace_substring(sub, '"', '""'), '"', "")
            col = pc.replace_with_mask(col, mask, quoted)
        cells.append(col)
    lines = pc.binary_join_element_wise(*cells, ",")
    return pc.binary_join_element_wise(lines, "", "\n")


def _write_lines(sink: BinaryIO, lines: pa.Array) -> None:
    if len(lines) == 0:
        return
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    _, offsets_buffer, data_buffer = lines.buffers()
    offset_type = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(
        offsets_buffer,
        dtype=offset_type,
        count=len(lines) + 1,
        offset=lines.offset * np.dtype(offset_type).itemsize,
    )
    sink.write(memoryview(data_buffer)[int(offsets[0]) : int(offsets[-1])])


def _header_line(names: Sequence[str]) -> bytes:
    return (",".join(names) + "\n").encode("utf-8")


def write_csv(path: str | os.PathLike[str], table: pa.Table) -> None:
    """Write a table of string columns as CSV (header row, minimal RFC 4180 quoting, LF, UTF-8)."""
    with open(path, "wb") as sink:
        sink.write(_header_line(table.column_names))
        _write_lines(sink, csv_lines(table))


def _parquet_table(table: pa.Table) -> pa.Table:
    """Empty fields are written as nulls in Parquet."""
    null = pa.scalar(None, pa.string())
    return pa.table(
        [pc.if_else(pc.equal(col, ""), null, col) for col in table.columns], names=table.column_names
    )


_PARQUET_SCHEMA = pa.schema([(name, pa.string()) for name in OUTPUT_COLUMNS])


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


class OutputExistsError(FileExistsError):
    """The output directory already holds files of this prefix (pass overwrite=True)."""


def output_file_names(files: int, fmt: str, prefix: str = DEFAULT_PREFIX) -> list[str]:
    """Names of the files generate() writes (zero-padded so that they sort in order)."""
    width = max(4, len(str(files)))
    names = []
    for k in range(files):
        ext = ("csv" if k % 2 == 0 else "parquet") if fmt == "mixed" else fmt
        names.append(f"{prefix}_{k + 1:0{width}d}.{ext}")
    return names


def _existing_outputs(out_dir: Path, prefix: str) -> list[Path]:
    pattern = re.compile(rf"{re.escape(prefix)}_\d+\.(csv|csv\.gz|parquet)")
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if pattern.fullmatch(p.name))


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
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not 1 <= files <= rows:
        raise ValueError(f"files must be within [1, rows], got {files}")
    if not 1 <= chunk_rows <= MAX_CHUNK_ROWS:
        raise ValueError(f"chunk_rows must be within [1, {MAX_CHUNK_ROWS}], got {chunk_rows}")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", prefix):
        raise ValueError(f"prefix must be letters, digits, '_', '-' or '.', got {prefix!r}")
    plan = _Plan(spec)
    out = Path(out_dir)
    existing = _existing_outputs(out, prefix)
    if existing and not overwrite:
        raise OutputExistsError(
            f"{out} already holds {len(existing)} file(s) named {prefix}_*; use overwrite"
        )
    out.mkdir(parents=True, exist_ok=True)
    for path in existing:
        path.unlink()

    written: list[Path] = []
    per_file: list[int] = []
    stats = _ChunkStats()
    done = 0
    for k, name in enumerate(output_file_names(files, fmt, prefix)):
        first, last = rows * k // files, rows * (k + 1) // files
        path = out / name
        tmp = out / f".{name}.tmp"
        try:
            with open(tmp, "wb") as raw:
                if name.endswith(".parquet"):
                    writer = pq.ParquetWriter(raw, _PARQUET_SCHEMA)
                    sink: BinaryIO | None = None
                else:
                    writer = None
                    sink = (
                        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
                        if name.endswith(".gz")
                        else raw
                    )
                    sink.write(_header_line(OUTPUT_COLUMNS))
                for a in range(first, last, chunk_rows):
                    b = min(a + chunk_rows, last)
                    table, chunk_stats = _build_chunk(plan, a, b)
                    if writer is not None:
                        writer.write_table(_parquet_table(table))
                    else:
                        assert sink is not None
                        _write_lines(sink, csv_lines(table))
                    stats.resubmissions += chunk_stats.resubmissions
                    stats.messy_rows += chunk_stats.messy_rows
                    done += b - a
                    if progress is not None:
                        progress(done, rows, path)
                if writer is not None:
                    writer.close()
                elif sink is not raw:
                    assert sink is not None
                    sink.close()
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        written.append(path)
        per_file.append(last - first)
    return GenerationResult(written, per_file, stats.resubmissions, stats.messy_rows)
