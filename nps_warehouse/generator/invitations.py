"""Invitations: the survey invitations sent by e-mail, SMS and WhatsApp, one file per responses
file plus one for the invitations that arrive after the period.

The model
---------
* **Which.**  Every e-mail, SMS or WhatsApp response answers one invitation, whose id (``IV``,
  ids.py) it names; the invitation is written with the response's first occurrence (a
  resubmission names the same one).  About 1% of those responses (proportional to
  ``messy_rate``) name an invitation that was never sent (``j = 7``, ids.py).  Beside them, each
  response slot has invitations of the same day nobody answered (``j`` = 1..6), by channel, so the
  response rate is about 18% by e-mail, 30% by SMS and 45% by WhatsApp.
* **Facts.**  An answered invitation has the response's survey, customer and channel, was
  delivered, and was sent before the response (e-mail up to three days, SMS a day, WhatsApp half
  a day).  An unanswered one has its channel's survey, a customer of the period, and bounced
  with a probability by channel (12% e-mail, 6% SMS, 3% WhatsApp): bounced ones are never
  answered.
* **Late arrivals.**  3% of invitations arrive in the next file rather than with their response
  (the last response file's late ones in an extra, last invitations file), so a response can
  name an invitation that lands later.
* **Re-exports.**  Some rows come again in the next file: exact duplicates, and corrections (an
  invitation first exported ``delivered`` that bounced; the later file wins).

Messy rows (rates proportional to ``messy_rate``): empty or blank ids, invalid or empty
``sent_at``, status and channel case/padding variants, unknown statuses (``pending``,
``deliverd``), empty or padded survey ids, empty customers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import ids
from .cases import Case, apply_cases, padded, variants_of
from .customers import customer_of
from .interactions import ChunkRows, settings
from .reference import CHANNELS, SURVEYS_BY_CHANNEL
from .rng import CounterRandom
from .text import Pool, case_and_padding_variants
from .timestamps import US_PER_DAY, US_PER_SECOND, quantise, render_timestamps, timestamp_codes

if TYPE_CHECKING:
    from .responses import ResponseCore, ResponsePlan

COLUMNS: tuple[str, ...] = (
    "invitation_id",
    "sent_at",
    "survey_id",
    "customer_id",
    "channel",
    "delivery_status",
)
#: Invitation channels, their share of the unanswered invitations, and bounce rates.
INVITATION_CHANNELS: tuple[str, ...] = ("email", "sms", "whatsapp")
RESPONSE_RATES = {"email": 0.18, "sms": 0.30, "whatsapp": 0.45}
BOUNCE_RATES = (0.12, 0.06, 0.03)
STATUSES: tuple[str, ...] = ("delivered", "bounced")
P_LATE = 0.03

_CHANNEL_INDEX = np.array([CHANNELS.index(c) for c in INVITATION_CHANNELS])
_V_DELAY, _V_EXISTS, _V_CHANNEL, _V_SURVEY, _V_CUSTOMER, _V_BOUNCE, _V_WHEN = range(500, 507)
_V_LATE, _V_STATUS_FMT, _V_CHANNEL_FMT, _V_TS_FMT = 507, 508, 509, 510  # 510 and 511
_V_DUPLICATE, _V_CORRECTED = 515, 516
_V_MESSY, _V_MESSY_KIND, _V_MESSY_PICK = 520, 521, 522

# Answered invitations per response slot by channel are the channel weights of responses; the
# unanswered ones follow from the response rates.
_ANSWERED = {"email": 0.30, "sms": 0.13, "whatsapp": 0.05}
_UNANSWERED = np.array(
    [_ANSWERED[c] * (1 - RESPONSE_RATES[c]) / RESPONSE_RATES[c] for c in INVITATION_CHANNELS]
)
_UNANSWERED_SLOTS = ids.SLOTS - 2  # j = 1 .. 6
_P_UNANSWERED = float(_UNANSWERED.sum()) / _UNANSWERED_SLOTS
_MAX_DELAY_SECONDS = np.array([3 * 86_400, 86_400, 43_200])  # by channel index of the responses

_SURVEY_POOL = Pool([list(SURVEYS_BY_CHANNEL[c]) for c in INVITATION_CHANNELS])
_STATUS_POOL = Pool([[s] for s in STATUSES] + [case_and_padding_variants(s) for s in STATUSES])
_CHANNEL_POOL = Pool(
    [[c] for c in INVITATION_CHANNELS] + [case_and_padding_variants(c) for c in INVITATION_CHANNELS]
)

MESSY_CASES: tuple[str, ...] = (
    "empty_id",
    "invalid_sent_at",
    "empty_sent_at",
    "unknown_status",
    "status_variant",
    "empty_survey",
    "padded_survey",
    "empty_customer",
)
UNKNOWN_STATUSES: tuple[str, ...] = ("pending", "deliverd", "soft_bounce", "opened")
INVALID_TIMESTAMPS: tuple[str, ...] = (
    "n/a",
    "31/02/2026 09:00",
    "2026-06-31T09:00:00Z",
    "soon",
    "2026-10-01T09:60",
)
_BLANKS: tuple[str, ...] = ("", " ", "\t", "  ")


def chunk_rows(plan: ResponsePlan, core: ResponseCore, last_file: bool, survey_ids: pa.Array) -> ChunkRows:
    """The invitations of the response slots of a chunk (answered ones first seen here, then the
    unanswered ones, in slot order); the late ones and the re-exports go to the next file.
    survey_ids are the survey ids by index of reference.SURVEYS."""
    rng, s = plan.rng, settings(plan)
    unknown = core_unknown(plan, core)
    answered = np.nonzero(core.is_invited & ~core.is_resub & ~unknown)[0]
    j = np.arange(1, _UNANSWERED_SLOTS + 1, dtype=np.int64)
    candidates = ids.contact_numbers(core.slot[:, None], j[None, :])
    exists = rng.uniform(_V_EXISTS, candidates) < _P_UNANSWERED
    un_row, un_j = np.nonzero(exists)
    row = np.concatenate([answered, un_row])
    jj = np.concatenate([np.zeros(len(answered), dtype=np.int64), un_j + 1])
    order = np.lexsort((jj, row))
    row, jj = row[order], jj[order]
    number = ids.contact_numbers(core.slot[row], jj)
    is_answered = jj == 0
    # Channel: the response's, or drawn for an unanswered invitation (index into INVITATION_CHANNELS).
    response_channel = np.searchsorted(_CHANNEL_INDEX, core.channel[row]).clip(
        0, len(INVITATION_CHANNELS) - 1
    )
    channel = np.where(is_answered, response_channel, rng.choice(_V_CHANNEL, number, _UNANSWERED))
    survey = pc.if_else(
        pa.array(is_answered),
        survey_ids.take(pa.array(core.survey[row])),
        _SURVEY_POOL.pick(channel, rng.uniform(_V_SURVEY, number)),
    )
    customer = np.where(
        is_answered, core.customer[row], customer_of(rng, core.slot[row], _V_CUSTOMER, number)
    )
    bounced = ~is_answered & (rng.uniform(_V_BOUNCE, number) < np.array(BOUNCE_RATES)[channel])
    delay = (60 + _MAX_DELAY_SECONDS[channel] * rng.uniform(_V_DELAY, number) ** 2).astype(np.int64)
    when = np.where(
        is_answered,
        core.instant[row],
        plan.position_instant(core.idx[row])
        + (rng.uniform(_V_WHEN, number) * US_PER_DAY / 2).astype(np.int64),
    )
    sent = when - delay * US_PER_SECOND
    codes = timestamp_codes(rng, _V_TS_FMT, number, s.p_ts_variant)
    variant_u = rng.uniform(_V_STATUS_FMT, number) < s.cosmetic
    status_block = bounced.astype(np.int64) + 2 * variant_u
    channel_block = channel + len(INVITATION_CHANNELS) * (rng.uniform(_V_CHANNEL_FMT, number) < s.cosmetic)
    columns = {
        "invitation_id": ids.invitation_ids(number, s.width),
        "sent_at": render_timestamps(quantise(sent, codes), codes),
        "survey_id": survey,
        "customer_id": ids.customer_ids(customer),
        "channel": _CHANNEL_POOL.pick(channel_block, rng.uniform(_V_CHANNEL_FMT + 1000, number)),
        "delivery_status": _STATUS_POOL.pick(status_block, rng.uniform(_V_STATUS_FMT + 1000, number)),
    }
    _apply_messy(rng, s.messy_rate, number, columns, bounced)
    table = pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))
    # Late arrivals go to the next file (the last response file's to the extra last file).
    late = rng.uniform(_V_LATE, number) < P_LATE
    again = np.zeros(len(number), dtype=bool)
    corrected = np.zeros(len(number), dtype=bool)
    if not last_file and s.messy_rate > 0:
        again = ~late & (rng.uniform(_V_DUPLICATE, number) < 0.5 * s.messy_rate)
        corrected = ~late & ~again & bounced & (rng.uniform(_V_CORRECTED, number) < 3 * s.messy_rate)
    next_rows = table.take(pa.array(np.nonzero(late | again | corrected)[0]))
    if corrected.any():
        mask = pa.array(corrected)
        columns["delivery_status"] = pc.if_else(mask, "delivered", columns["delivery_status"])
        table = pa.table([columns[c] for c in COLUMNS], names=list(COLUMNS))
    return ChunkRows(table.filter(pa.array(~late)), next_rows, customer)


def core_unknown(plan: ResponsePlan, core: ResponseCore) -> np.ndarray:
    """Invited responses naming an invitation that was never sent."""
    return core.is_invited & (
        plan.rng.uniform(_N_UNKNOWN_INVITATION, core.number) < plan.p_unknown_invitation
    )


_N_UNKNOWN_INVITATION = 104  # the responses' stream (rng.py)


def _apply_messy(
    rng: CounterRandom,
    messy_rate: float,
    number: np.ndarray,
    columns: dict[str, pa.Array],
    bounced: np.ndarray,
) -> None:
    cases = (
        Case("empty_id", "invitation_id", _BLANKS),
        Case("invalid_sent_at", "sent_at", INVALID_TIMESTAMPS),
        Case("empty_sent_at", "sent_at", _BLANKS),
        Case("unknown_status", "delivery_status", UNKNOWN_STATUSES),
        Case("status_variant", "delivery_status", variants_of(_STATUS_POOL, 2 + bounced.astype(np.int64))),
        Case("empty_survey", "survey_id", ("",)),
        Case("padded_survey", "survey_id", padded(columns["survey_id"], " ", " ")),
        Case("empty_customer", "customer_id", ("",)),
    )
    assert tuple(c.name for c in cases) == MESSY_CASES
    apply_cases(rng, (_V_MESSY, _V_MESSY_KIND, _V_MESSY_PICK), number, messy_rate, cases, columns)
