"""Customers: the CRM's customer records, with history, and the CRM extracts that carry them.

The model
---------
* **Who.**  Customer numbers ``0 .. universe(n) - 1`` exist once response numbers reach ``n``:
  the universe grows with the response numbers (half a customer per response, at least
  ``MIN_CUSTOMERS``), so a response number decides its customer whatever batch it is in, and a
  later batch's universe contains the earlier one's.
* **Static attributes** are hashes of the customer number: birth date, customer-since date,
  base loyalty tier, segment and language (those two published with the responses only), name,
  e-mail and phone; 1.5% live abroad (country_code BE, LU, CH or MC, no French region).
* **History** is a function of absolute time, so every batch agrees on it.  A customer's tier
  alternates between its base tier and a neighbouring tier in *tier epochs* of 240-900 days
  (with a per-customer phase and hour): every epoch boundary is a tier change.  Its address
  (region, city, postal code) changes at *move epochs* of 1,200-4,800 days (most moves stay in
  the region).  The version of a customer at instant t is its state at t, ``updated_at`` being
  its last change (boundary, or its customer_since date).
* **CRM extracts** of a batch: an initial snapshot (first batch only), dated the day before the
  period, with every customer as of then; then one extract per calendar month of the period with
  a version for every change in that month, and 1% of the unchanged customers repeated as an
  identical version (the SQL merges it).  A later batch (no snapshot) puts the first version of
  the customers new to its universe in its first extract, and its extracts list the changes and
  repeats of the customers its rows name (responses, interactions, invitations) and of its new
  ones only, found without enumerating the universe: a later batch costs what its rows cost,
  whatever the history before it (all customers' changes would be about one customer in 500 a
  day, and the repeats one in 100 an extract).  Its rows are those the whole universe would give,
  less the other customers'; so after several later batches, a customer's change made while no
  batch named it is missing (the warehouse keeps the version before it until the customer's next
  exported change or repeat).  1% of customers are never exported
  (responses name customers without any row) and 2% reach the CRM late: their first version is
  created during the period of the batch that first exports them, after some of their responses.

Messy rows (rates proportional to ``messy_rate``): empty or blank ids, padded ids, invalid or
empty ``updated_at``, tier and region case/padding variants, unknown tiers (``diamond``) and
regions (``DOM``), unparseable dates (``31/02/1980``, ``n/a``), empty e-mail or phone.
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
from .reference import LOYALTY_TIERS, REGION_WEIGHTS, REGIONS, SEGMENT_WEIGHTS
from .rng import CounterRandom
from .text import Pool, case_and_padding_variants
from .timestamps import (
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    civil_from_days,
    days_since_epoch,
    quantise,
    render_dates,
    render_timestamps,
    timestamp_codes,
)

COLUMNS: tuple[str, ...] = (
    "customer_id",
    "updated_at",
    "birth_date",
    "loyalty_tier",
    "country_code",
    "region",
    "city",
    "postal_code",
    "customer_since",
    "email",
    "phone",
)
MIN_CUSTOMERS = 1_000
CUSTOMERS_PER_RESPONSE = 0.5

# Streams (rng.py): 20 and 30-32 are the responses' historical customer draws.
_N_CUSTOMER, _C_SEGMENT, _C_LANG = 20, 31, 32
_C_BIRTH_BAND, _C_BIRTH_DAY, _C_SINCE, _C_TIER = range(200, 204)
_C_TIER_LENGTH, _C_TIER_PHASE, _C_TIER_HOUR, _C_TIER_STEP = range(204, 208)
_C_MOVE_LENGTH, _C_MOVE_PHASE, _C_MOVE_HOUR = range(208, 211)
_CA_SAME_REGION, _CA_REGION, _CA_CITY, _CA_POSTAL = range(211, 215)
_C_ABROAD, _C_FIRST, _C_LAST, _C_DOMAIN, _C_PHONE, _C_NEVER, _C_LATE, _C_LATE_AT = range(215, 223)
_C_REPEAT, _C_TS_FMT = 223, 224  # 224 and 225
_C_MESSY, _C_MESSY_KIND, _C_MESSY_PICK = 230, 231, 232

#: Loyalty tier effects on the NPS latent (bronze .. platinum), and the base tiers' weights.
TIER_EFFECT = np.array([-0.35, 0.0, 0.35, 0.7])
_TIER_WEIGHTS = (0.45, 0.30, 0.18, 0.07)
#: Age bands (lower bounds) and their effects on the NPS latent.
AGE_BANDS: tuple[int, ...] = (18, 25, 35, 50, 65)
AGE_BAND_LABELS: tuple[str, ...] = ("18-24", "25-34", "35-49", "50-64", "65+")
AGE_EFFECT = np.array([-0.6, -0.3, 0.0, 0.25, 0.5])
_AGE_WEIGHTS = (0.10, 0.20, 0.30, 0.25, 0.15)
_AGE_SPAN = (7, 10, 15, 15, 20)
_BIRTH_REFERENCE_DAY = days_since_epoch(date(2026, 7, 1))
_SINCE_FIRST_DAY = days_since_epoch(date(2008, 1, 1))
_SINCE_LAST_DAY = days_since_epoch(date(2026, 6, 30))
_TIER_LENGTH_DAYS = (240, 900)
_MOVE_LENGTH_DAYS = (1_200, 4_800)
_P_ABROAD, _P_NEVER_EXPORTED, _P_LATE, _P_REPEAT = 0.015, 0.01, 0.02, 0.01

# Cities per region (postal code = département * 1000 + a multiple of 10).
_CITIES: dict[str, tuple[tuple[str, int], ...]] = {
    "ARA": (("Lyon", 69), ("Grenoble", 38), ("Clermont-Ferrand", 63), ("Saint-Étienne", 42)),
    "BFC": (("Dijon", 21), ("Besançon", 25), ("Auxerre", 89)),
    "BRE": (("Rennes", 35), ("Brest", 29), ("Vannes", 56), ("Saint-Brieuc", 22)),
    "CVL": (("Orléans", 45), ("Tours", 37), ("Bourges", 18)),
    "COR": (("Ajaccio", 20), ("Bastia", 20)),
    "GES": (("Strasbourg", 67), ("Reims", 51), ("Metz", 57), ("Nancy", 54)),
    "HDF": (("Lille", 59), ("Amiens", 80), ("Roubaix", 59), ("Arras", 62)),
    "IDF": (
        ("Paris", 75),
        ("Boulogne-Billancourt", 92),
        ("Saint-Denis", 93),
        ("Versailles", 78),
        ("Créteil", 94),
    ),
    "NOR": (("Rouen", 76), ("Caen", 14), ("Le Havre", 76)),
    "NAQ": (("Bordeaux", 33), ("Limoges", 87), ("Poitiers", 86), ("La Rochelle", 17)),
    "OCC": (("Toulouse", 31), ("Montpellier", 34), ("Nîmes", 30), ("Perpignan", 66)),
    "PDL": (("Nantes", 44), ("Angers", 49), ("Le Mans", 72)),
    "PAC": (("Marseille", 13), ("Nice", 6), ("Toulon", 83), ("Avignon", 84)),
}
_ABROAD: tuple[tuple[str, str, int], ...] = (
    ("BE", "Bruxelles", 1000),
    ("LU", "Luxembourg", 1009),
    ("CH", "Genève", 1201),
    ("MC", "Monaco", 98000),
)
_FIRST_NAMES = (
    "camille", "lea", "manon", "chloe", "emma", "ines", "sarah", "julie", "marie", "laura",
    "lucas", "hugo", "louis", "nathan", "thomas", "antoine", "maxime", "nicolas", "julien", "paul",
    "karim", "yasmine", "mohamed", "fatima", "sofia", "david", "anna", "mehdi", "lina", "noah",
)  # fmt: skip
_LAST_NAMES = (
    "martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy",
    "moreau", "simon", "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux",
    "vincent", "fournier", "morel", "girard", "andre", "mercier", "dupont", "lambert", "bonnet",
    "nguyen", "benali", "haddad",
)  # fmt: skip
_DOMAINS = (
    "gmail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "outlook.fr",
    "sfr.fr",
    "yahoo.fr",
    "hotmail.com",
)

_REGION_CODES = [*REGIONS, ""]
_CITY_VALUES: list[str] = []
_CITY_DEPARTMENT: list[int] = []
_CITY_OFFSETS: list[int] = []
_CITY_COUNTS: list[int] = []
for _region in REGIONS:
    _CITY_OFFSETS.append(len(_CITY_VALUES))
    _CITY_COUNTS.append(len(_CITIES[_region]))
    for _city, _department in _CITIES[_region]:
        _CITY_VALUES.append(_city)
        _CITY_DEPARTMENT.append(_department)
_ABROAD_CITY = len(_CITY_VALUES)
for _country, _city, _postal in _ABROAD:
    _CITY_VALUES.append(_city)
    _CITY_DEPARTMENT.append(_postal)
_CITY_STRINGS = pa.array(_CITY_VALUES, pa.string())
_CITY_DEPARTMENT_ARRAY = np.array(_CITY_DEPARTMENT, dtype=np.int64)
_CITY_OFFSET_ARRAY = np.array(_CITY_OFFSETS, dtype=np.int64)
_CITY_COUNT_ARRAY = np.array(_CITY_COUNTS, dtype=np.int64)
_REGION_STRINGS = pa.array(_REGION_CODES, pa.string())
_COUNTRY_STRINGS = pa.array(["FR", *(c for c, _, _ in _ABROAD)], pa.string())
_TIER_STRINGS = pa.array(list(LOYALTY_TIERS), pa.string())
_FIRST_STRINGS = pa.array(list(_FIRST_NAMES), pa.string())
_LAST_STRINGS = pa.array(list(_LAST_NAMES), pa.string())
_DOMAIN_STRINGS = pa.array(list(_DOMAINS), pa.string())

# Messy cases: (name, share among messy rows).
MESSY_CASES: tuple[str, ...] = (
    "empty_id",
    "padded_id",
    "invalid_updated_at",
    "empty_updated_at",
    "tier_variant",
    "unknown_tier",
    "invalid_birth_date",
    "invalid_customer_since",
    "region_variant",
    "unknown_region",
    "empty_email",
    "empty_phone",
)
UNKNOWN_TIERS: tuple[str, ...] = ("diamond", "Diamond", "vip", "gold+")
INVALID_DATES: tuple[str, ...] = (
    "31/02/1980",
    "n/a",
    "1985-13-01",
    "00/00/0000",
    "19850512",
    "1985-02-30",
    "unknown",
)
INVALID_TIMESTAMPS: tuple[str, ...] = (
    "n/a",
    "31/02/2026 10:00",
    "2026-13-01T00:00:00Z",
    "yesterday",
    "2026-09-31 12:00",
)
_BLANK_IDS: tuple[str, ...] = ("", " ", "\t", "  ")
_TIER_VARIANTS = Pool([case_and_padding_variants(t) for t in LOYALTY_TIERS])
# Region variants by region index; a customer abroad has no region, and keeps none.
_REGION_VARIANTS = Pool(
    [[r.lower(), r.title(), f" {r}", f"{r} ", f" {r.lower()}\t"] for r in REGIONS] + [[""]]
)
UNKNOWN_REGIONS: tuple[str, ...] = ("DOM", "XX", "Idf-Ouest")


def universe(max_response_number: int) -> int:
    """Number of customers once response numbers reach max_response_number."""
    return max(MIN_CUSTOMERS, int(max_response_number * CUSTOMERS_PER_RESPONSE) + 1)


def customer_of(
    rng: CounterRandom,
    response_numbers: np.ndarray,
    stream: int = _N_CUSTOMER,
    keys: np.ndarray | None = None,
) -> np.ndarray:
    """The customer of each response number (uniform over the universe at that number); with
    another stream and keys, a customer of the same period (of an interaction, an invitation)."""
    size = np.maximum(MIN_CUSTOMERS, (response_numbers * CUSTOMERS_PER_RESPONSE).astype(np.int64) + 1)
    return rng.below(stream, response_numbers if keys is None else keys, size)


def segment_of(rng: CounterRandom, customers: np.ndarray) -> np.ndarray:
    return rng.choice(_C_SEGMENT, customers, SEGMENT_WEIGHTS)


def language_of(rng: CounterRandom, customers: np.ndarray) -> np.ndarray:
    """0 fr, 1 en."""
    return (rng.uniform(_C_LANG, customers) < 0.15).astype(np.int64)


class CustomerModel:
    """Attributes and history of customers, for one seed."""

    def __init__(self, rng: CounterRandom) -> None:
        self.rng = rng

    # ---- static -----------------------------------------------------------------------------------

    def birth_day(self, customers: np.ndarray) -> np.ndarray:
        """Birth date (days since 1970)."""
        rng = self.rng
        band = rng.choice(_C_BIRTH_BAND, customers, _AGE_WEIGHTS)
        low = np.array(AGE_BANDS)[band]
        span_days = np.array(_AGE_SPAN)[band] * 365
        age_days = low * 365 + (low // 4) + rng.below(_C_BIRTH_DAY, customers, span_days)
        return _BIRTH_REFERENCE_DAY - age_days

    def since_day(self, customers: np.ndarray) -> np.ndarray:
        """Customer since (days since 1970), at 18 years old at the earliest."""
        since = _SINCE_FIRST_DAY + self.rng.below(_C_SINCE, customers, _SINCE_LAST_DAY - _SINCE_FIRST_DAY + 1)
        return np.maximum(since, self.birth_day(customers) + 18 * 366)

    def since_instant(self, customers: np.ndarray) -> np.ndarray:
        return self.since_day(customers) * US_PER_DAY + 10 * US_PER_HOUR

    def base_tier(self, customers: np.ndarray) -> np.ndarray:
        return self.rng.choice(_C_TIER, customers, _TIER_WEIGHTS)

    def abroad(self, customers: np.ndarray) -> np.ndarray:
        """Index into the foreign countries (0 .. 3), -1 for France."""
        u = self.rng.uniform(_C_ABROAD, customers)
        return np.where(u < _P_ABROAD, (u / _P_ABROAD * len(_ABROAD)).astype(np.int64), -1)

    def never_exported(self, customers: np.ndarray) -> np.ndarray:
        return self.rng.uniform(_C_NEVER, customers) < _P_NEVER_EXPORTED

    def late(self, customers: np.ndarray) -> np.ndarray:
        """Customers whose CRM record is created during the period that first exports them."""
        return self.rng.uniform(_C_LATE, customers) < _P_LATE

    # ---- history ----------------------------------------------------------------------------------

    def tier_epochs(self, customers: np.ndarray) -> Epochs:
        return epochs(self.rng, customers, (_C_TIER_LENGTH, _C_TIER_PHASE, _C_TIER_HOUR), _TIER_LENGTH_DAYS)

    def move_epochs(self, customers: np.ndarray) -> Epochs:
        return epochs(self.rng, customers, (_C_MOVE_LENGTH, _C_MOVE_PHASE, _C_MOVE_HOUR), _MOVE_LENGTH_DAYS)

    def tier_in_epoch(self, customers: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        """The base tier in even epochs, a neighbouring tier in odd ones (so each boundary is a
        change): up from bronze, down from platinum, else up or down."""
        base = self.base_tier(customers)
        up = self.rng.uniform(_C_TIER_STEP, pair(customers, epoch)) < 0.55
        step = np.where(base == 0, 1, np.where(base == 3, -1, np.where(up, 1, -1)))
        return np.where(epoch % 2 == 1, base + step, base)

    def tier_at(self, customers: np.ndarray, instant: np.ndarray) -> np.ndarray:
        return self.tier_in_epoch(customers, self.tier_epochs(customers).index(instant))

    def region_in_epoch(self, customers: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        """Region index of a move epoch (most moves stay in the home region)."""
        rng = self.rng
        key = pair(customers, epoch)
        home = rng.choice(_C_REGION_HOME, customers, REGION_WEIGHTS)
        moved = rng.choice(_CA_REGION, key, REGION_WEIGHTS)
        return np.where(rng.uniform(_CA_SAME_REGION, key) < 0.6, home, moved)

    def address_in_epoch(
        self, customers: np.ndarray, epoch: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(region index, len(REGIONS) abroad; city index; postal code) in a move epoch."""
        rng = self.rng
        key = pair(customers, epoch)
        region = self.region_in_epoch(customers, epoch)
        city = _CITY_OFFSET_ARRAY[region] + rng.below(_CA_CITY, key, _CITY_COUNT_ARRAY[region])
        postal = _CITY_DEPARTMENT_ARRAY[city] * 1000 + 10 * rng.below(_CA_POSTAL, key, 100)
        abroad = self.abroad(customers)
        foreign = abroad >= 0
        if foreign.any():
            region = np.where(foreign, len(REGIONS), region)
            city = np.where(foreign, _ABROAD_CITY + abroad, city)
            postal = np.where(foreign, _CITY_DEPARTMENT_ARRAY[_ABROAD_CITY + np.maximum(abroad, 0)], postal)
        return region, city, postal

    def region_at(self, customers: np.ndarray, instant: np.ndarray) -> np.ndarray:
        """Region index where the customer lives at an instant (a customer abroad: the French
        region of the epoch, where they shop; the CRM has no region for them)."""
        return self.region_in_epoch(customers, self.move_epochs(customers).index(instant))

    def age_band_at(self, customers: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Age band index (AGE_BANDS) on a day."""
        birth_year, birth_month, birth_dom = civil_from_days(self.birth_day(customers))
        year, month, dom = civil_from_days(day)
        age = year - birth_year - ((month * 100 + dom) < (birth_month * 100 + birth_dom))
        return np.clip(np.searchsorted(np.array(AGE_BANDS), age, side="right") - 1, 0, len(AGE_BANDS) - 1)

    def last_change(self, customers: np.ndarray, instant: np.ndarray) -> np.ndarray:
        """updated_at of the version in force at instant: its last change (or customer_since)."""
        tier = self.tier_epochs(customers)
        move = self.move_epochs(customers)
        return np.maximum.reduce(
            [
                self.since_instant(customers),
                tier.start(tier.index(instant)),
                move.start(move.index(instant)),
            ]
        )


_C_REGION_HOME = 30  # the responses' historical region draw


# --------------------------------------------------------------------------------------------------
# CRM extracts
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerBatch:
    """What the customers of a batch look like."""

    seed: int
    universe_before: int  # customers exported by earlier batches (0 for a first batch)
    universe: int
    period_start: int  # microseconds, first instant of the period
    period_end: int  # microseconds, end of the period (exclusive)
    snapshot: bool
    messy_rate: float
    p_ts_variant: float


def extracts(batch: CustomerBatch) -> list[Extract]:
    return plan_extracts(batch.period_start, batch.period_end, batch.snapshot)


_CHUNK = 200_000


class TouchedCustomers:
    """The distinct customer numbers a batch's rows name (responses, interactions, invitations),
    gathered chunk by chunk: memory and work follow the batch's rows, not the universe."""

    def __init__(self) -> None:
        self._merged = np.empty(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    def add(self, customers: np.ndarray) -> None:
        distinct = np.unique(np.asarray(customers, dtype=np.int64))
        self._pending.append(distinct)
        self._pending_size += len(distinct)
        if self._pending_size > max(len(self._merged), _CHUNK):  # merge geometrically
            self._merge()

    def _merge(self) -> None:
        if self._pending:
            self._merged = np.unique(np.concatenate([self._merged, *self._pending]))
            self._pending, self._pending_size = [], 0

    def numbers(self) -> np.ndarray:
        """The distinct customer numbers, sorted."""
        self._merge()
        return self._merged


def population(batch: CustomerBatch, touched: np.ndarray | None) -> np.ndarray | None:
    """The customers whose rows an extract of the batch may hold, sorted; None for every customer
    of the universe (a batch with a snapshot: the snapshot lists them all anyway).  A batch without
    a snapshot considers only the earlier customers its rows name (touched, sorted and distinct)
    and the customers new to its universe: about two per response row, whatever the history."""
    if batch.snapshot:
        return None
    named = np.empty(0, dtype=np.int64) if touched is None else np.asarray(touched, dtype=np.int64)
    named = named[(named >= 0) & (named < batch.universe_before)]
    return np.concatenate([named, np.arange(batch.universe_before, batch.universe, dtype=np.int64)])


def extract_tables(
    model: CustomerModel, batch: CustomerBatch, extract: Extract, touched: np.ndarray | None = None
) -> Iterator[pa.Table]:
    """The rows of an extract, in chunks of customers (in customer order, then time); touched: the
    customers the batch's rows name (population())."""
    considered = population(batch, touched)
    size = batch.universe if considered is None else len(considered)
    for a in range(0, size, _CHUNK):
        b = min(a + _CHUNK, size)
        customers = np.arange(a, b, dtype=np.int64) if considered is None else considered[a:b]
        table = _extract_chunk(model, batch, extract, customers)
        if table.num_rows:
            yield table


def _creation(model: CustomerModel, batch: CustomerBatch, customers: np.ndarray) -> np.ndarray:
    """Instant of each customer's first version in this batch: -1 when it is not first exported by
    this batch, else the snapshot (0) or, for the late ones, an instant of the period."""
    new = customers >= batch.universe_before
    late = model.late(customers)
    span = batch.period_end - batch.period_start
    late_at = batch.period_start + (model.rng.uniform(_C_LATE_AT, customers) * span).astype(np.int64)
    late_at -= late_at % US_PER_MINUTE
    return np.where(~new, -1, np.where(late, late_at, 0))


def _extract_chunk(
    model: CustomerModel, batch: CustomerBatch, extract: Extract, customers: np.ndarray
) -> pa.Table:
    rng = model.rng
    customers = customers[~model.never_exported(customers)]
    creation = _creation(model, batch, customers)
    if extract.snapshot:
        keep = creation == 0
        rows_c = customers[keep]
        rows_t = np.full(len(rows_c), extract.until, dtype=np.int64)
        updated = model.last_change(rows_c, rows_t)
        return _render(model, batch, extract, rows_c, rows_t, updated)
    after, until = extract.after, extract.until
    tier, move = model.tier_epochs(customers), model.move_epochs(customers)
    parts_c, parts_t = [], []
    for history in (tier, move):
        start = history.start(history.index(np.full(len(customers), until - 1, dtype=np.int64)))
        changed = start > after
        parts_c.append(customers[changed])
        parts_t.append(start[changed])
    # First versions: new customers of a later batch (as of the window's start: their current
    # version), late customers (when created).
    first = np.zeros(len(customers), dtype=bool)
    first_t = np.zeros(len(customers), dtype=np.int64)
    if not batch.snapshot and extract.index == 0:
        first |= creation == 0
        first_t = np.where(creation == 0, after, first_t)
    late = (creation > after) & (creation <= until)
    first |= late
    first_t = np.where(late, creation, first_t)
    # Repeats: a customer exported before, unchanged in the window, exported again identical.
    changed = np.isin(customers, np.concatenate(parts_c))
    repeat = rng.uniform(_C_REPEAT, pair(customers, extract.index + 1)) < _P_REPEAT
    exported_before = (creation < 0) | ((creation == 0) & (batch.snapshot or extract.index > 0))
    repeat &= exported_before & ~changed
    rows_c = np.concatenate([*parts_c, customers[first], customers[repeat]])
    rows_t = np.concatenate([*parts_t, first_t[first], np.full(int(repeat.sum()), after, dtype=np.int64)])
    n_changes = sum(len(p) for p in parts_c)
    kind = np.repeat(np.array([0, 1, 2]), [n_changes, int(first.sum()), int(repeat.sum())])
    # No change version before a late customer's creation.
    row_creation = creation[np.searchsorted(customers, rows_c)]
    valid = (kind != 0) | (row_creation <= 0) | (rows_t > row_creation)
    rows_c, rows_t, kind = rows_c[valid], rows_t[valid], kind[valid]
    order = np.lexsort((rows_t, rows_c))
    rows_c, rows_t, kind = rows_c[order], rows_t[order], kind[order]
    # A change is its own updated_at; a first version backdated to the window's start and a repeat
    # carry the customer's last change.
    backdated = (kind == 2) | ((kind == 1) & (rows_t == after))
    updated = np.where(backdated, model.last_change(rows_c, rows_t), rows_t)
    return _render(model, batch, extract, rows_c, rows_t, updated)


def _render(
    model: CustomerModel,
    batch: CustomerBatch,
    extract: Extract,
    customers: np.ndarray,
    instant: np.ndarray,
    updated: np.ndarray,
) -> pa.Table:
    """Rows: each customer's version in force at instant, updated_at = updated."""
    rng, n = model.rng, len(customers)
    tier = model.tier_at(customers, instant)
    region, city, postal = model.address_in_epoch(customers, model.move_epochs(customers).index(instant))
    abroad = model.abroad(customers)
    first = rng.below(_C_FIRST, customers, len(_FIRST_NAMES))
    last = rng.below(_C_LAST, customers, len(_LAST_NAMES))
    domain = rng.below(_C_DOMAIN, customers, len(_DOMAINS))
    key = pair(customers, extract.index) ^ updated
    codes = timestamp_codes(rng, _C_TS_FMT, key, batch.p_ts_variant)
    first_s = _FIRST_STRINGS.take(pa.array(first))
    last_s = _LAST_STRINGS.take(pa.array(last))
    suffix = pc.cast(pa.array(customers % 997), pa.string())
    email = pc.binary_join_element_wise(
        first_s, ".", last_s, suffix, "@", _DOMAIN_STRINGS.take(pa.array(domain)), ""
    )
    mobile = 600_000_000 + rng.below(_C_PHONE, customers, 200_000_000)
    phone = pc.binary_join_element_wise("+33", pc.cast(pa.array(mobile), pa.string()), "")
    columns = {
        "customer_id": ids.customer_ids(customers),
        "updated_at": render_timestamps(quantise(updated, codes), codes),
        "birth_date": render_dates(model.birth_day(customers)),
        "loyalty_tier": _TIER_STRINGS.take(pa.array(tier)),
        "country_code": _COUNTRY_STRINGS.take(pa.array(abroad + 1)),
        "region": _REGION_STRINGS.take(pa.array(region)),
        "city": _CITY_STRINGS.take(pa.array(city)),
        "postal_code": pc.utf8_lpad(pc.cast(pa.array(postal), pa.string()), 5, "0"),
        "customer_since": render_dates(model.since_day(customers)),
        "email": email,
        "phone": phone,
    }
    if n and batch.messy_rate > 0:
        _apply_messy(rng, batch, key, columns, tier, region)
    return pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))


def _apply_messy(
    rng: CounterRandom,
    batch: CustomerBatch,
    key: np.ndarray,
    columns: dict[str, pa.Array],
    tier: np.ndarray,
    region: np.ndarray,
) -> None:
    cases = (
        Case("empty_id", "customer_id", _BLANK_IDS),
        Case("padded_id", "customer_id", padded(columns["customer_id"])),
        Case("invalid_updated_at", "updated_at", INVALID_TIMESTAMPS),
        Case("empty_updated_at", "updated_at", _BLANK_IDS),
        Case("tier_variant", "loyalty_tier", variants_of(_TIER_VARIANTS, tier)),
        Case("unknown_tier", "loyalty_tier", UNKNOWN_TIERS),
        Case("invalid_birth_date", "birth_date", INVALID_DATES),
        Case("invalid_customer_since", "customer_since", INVALID_DATES),
        Case("region_variant", "region", variants_of(_REGION_VARIANTS, region)),
        Case("unknown_region", "region", UNKNOWN_REGIONS),
        Case("empty_email", "email", ("",)),
        Case("empty_phone", "phone", ("",)),
    )
    assert tuple(c.name for c in cases) == MESSY_CASES
    apply_cases(rng, (_C_MESSY, _C_MESSY_KIND, _C_MESSY_PICK), key, 2.0 * batch.messy_rate, cases, columns)
