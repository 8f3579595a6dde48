"""Great Expectations checks of the follow-up marts (README, "Closing the loop"): every case is
an accepted response that opens one, its SLA, contact and overdue flags agree with its
timestamps and its as_of, the queue is exactly the cases to act on in the order to call, the
daily follow-up adds up to the cases, and the events of no case are exactly those.

The checks recompute from the published marts (fct_nps_responses, fct_followup_cases,
rpt_case_event_audit) with the defaults of the dbt vars, like the rest of the suite
(:mod:`nps_warehouse.quality`, which runs them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

CASES = "fct_followup_cases"
QUEUE = "rpt_followup_queue"
DAILY = "fct_followup_daily"
UNKNOWN_EVENTS = "rpt_unknown_case_events"
HEALTH = "fct_customer_health"
AUDIENCES = "rpt_campaign_audiences"
MARTS: tuple[str, ...] = (CASES, QUEUE, DAILY, UNKNOWN_EVENTS, HEALTH, AUDIENCES)

#: The defaults of the dbt vars cx_case_open_nps_max, cx_case_open_csat_max, cx_case_sla_hours,
#: cx_case_high_priority_max_score.
OPEN_NPS_MAX = 6
OPEN_CSAT_MAX = 2
SLA_HOURS = 48
HIGH_PRIORITY_MAX_SCORE = 3
STATUSES: tuple[str, ...] = ("open", "contacted", "resolved", "closed", "cancelled")
PENDING: tuple[str, ...] = ("open", "contacted")
PRIORITY_REASONS: tuple[str, ...] = ("low_score", "repeat_detractor", "top_tier")
_HOUR_NS = 3_600 * 10**9

#: Columns never null, by mart.
NOT_NULL: dict[str, tuple[str, ...]] = {
    CASES: (
        "case_reason",
        "priority",
        "opened_at",
        "opened_date",
        "sla_due_at",
        "status",
        "events",
        "times_reopened",
        "is_overdue",
        "as_of",
    ),
    QUEUE: ("priority", "status", "is_overdue", "hours_until_due", "opened_at", "sla_due_at", "as_of"),
    DAILY: (
        "cases_opened",
        "cases_contacted_in_sla",
        "cases_contacted_late",
        "cases_closed",
        "backlog",
        "cases_due",
        "cases_due_met",
        "cases_with_next_response",
        "cases_recovered",
    ),
    UNKNOWN_EVENTS: ("response_id", "problem"),
    HEALTH: (
        "loyalty_tier",
        "responses_365d",
        "detractor_responses_365d",
        "last_response_date",
        "open_cases",
        "overdue_cases",
        "is_repeat_detractor",
        "is_at_risk",
        "is_likely_promoter",
        "as_of",
    ),
    AUDIENCES: ("reasons", "is_at_risk", "as_of"),
}
#: Value sets, by mart and column.
VALUE_SETS: dict[str, dict[str, tuple[Any, ...]]] = {
    CASES: {
        "status": STATUSES,
        "priority": ("high", "normal"),
        "case_reason": ("detractor", "dissatisfied_csat"),
        "is_overdue": (True, False),
    },
    QUEUE: {"status": PENDING, "priority": ("high", "normal"), "is_overdue": (True, False)},
    UNKNOWN_EVENTS: {"problem": ("unknown_response", "not_a_case")},
    HEALTH: {
        "last_nps_category": ("promoter", "passive", "detractor"),
        "last_sentiment": ("positive", "neutral", "negative"),
    },
    AUDIENCES: {"audience": ("referral_candidates", "passive_reengagement", "detractor_recovery")},
}
#: The reasons of fct_customer_health's flags.
AT_RISK_REASONS: tuple[str, ...] = ("repeat_detractor", "score_drop", "overdue_case", "negative_theme")
LIKELY_PROMOTER_REASONS: tuple[str, ...] = ("rising_passive", "promoter_twice")
#: The default of the var cx_at_risk_score_drop.
AT_RISK_SCORE_DROP = 4
#: Counts of fct_followup_daily that are never negative.
DAILY_COUNTS: tuple[str, ...] = NOT_NULL[DAILY]


def _gxe() -> Any:
    import great_expectations.expectations as gxe

    return gxe


def _ns(series: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since 1970 UTC (naive ones read as UTC, whatever the
    resolution the engine hands back); NaT as the smallest int64."""
    values = pd.to_datetime(series, errors="coerce", utc=True).dt.tz_localize(None).astype("datetime64[ns]")
    return values.astype("int64").to_numpy() if len(values) else np.zeros(0, dtype=np.int64)


def _flag(series: pd.Series) -> pd.Series:
    """A nullable boolean column as object values True / False / None."""
    return series.astype("object").where(series.notna(), None)


def _hundredths(series: pd.Series) -> np.ndarray:
    """Two-decimal values as integer hundredths; missing as a sentinel."""
    return np.array(
        [-(10**15) if pd.isna(value) else round(float(value) * 100) for value in series], dtype=np.int64
    )


def _hours_hundredths(nanoseconds: np.ndarray) -> np.ndarray:
    """Hours, rounded half away from zero to hundredths, from exact nanoseconds."""
    x = 100 * nanoseconds.astype(object)
    return np.array(
        [(1 if v >= 0 else -1) * ((2 * abs(v) + _HOUR_NS) // (2 * _HOUR_NS)) for v in x], dtype=np.int64
    )


def _ratio_hundredths(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 * numerator / denominator in hundredths, half away from zero; sentinel when 0."""
    out = np.full(len(numerator), -(10**15), dtype=np.int64)
    good = denominator > 0
    out[good] = (2 * 10_000 * numerator[good] + denominator[good]) // (2 * denominator[good])
    return out


def _true(column: str, description: str) -> Any:
    return _gxe().ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=description)


Builder = Callable[[Mapping[str, pd.DataFrame]], tuple[pd.DataFrame, list[Any], list[str]]]


def derived_cases(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """fct_followup_cases against fct_nps_responses and its own timestamps."""
    frame = frames[CASES].copy().reset_index(drop=True)
    responses = frames["fct_nps_responses"].drop_duplicates("response_id").set_index("response_id")
    known = frame["case_id"].isin(responses.index)
    aligned = responses.reindex(frame["case_id"].to_numpy())
    nps = pd.to_numeric(aligned["nps_score"], errors="coerce").to_numpy()
    csat = pd.to_numeric(aligned["csat_score"], errors="coerce").to_numpy()
    opens = (nps <= OPEN_NPS_MAX) | (csat <= OPEN_CSAT_MAX)
    status = frame["status"].astype("object")
    cancelled = (status == "cancelled").to_numpy()
    same_scores = (
        pd.Series(pd.to_numeric(frame["nps_score"], errors="coerce").to_numpy()).fillna(-1).to_numpy()
        == pd.Series(nps).fillna(-1).to_numpy()
    ) & (
        pd.Series(pd.to_numeric(frame["csat_score"], errors="coerce").to_numpy()).fillna(-1).to_numpy()
        == pd.Series(csat).fillna(-1).to_numpy()
    )
    frame["chk_case_of_an_accepted_response"] = (known.to_numpy() & same_scores).astype(bool)
    frame["chk_cancelled_iff_no_longer_opens"] = (cancelled == ~opens).astype(bool)
    opened, due, as_of = _ns(frame["opened_at"]), _ns(frame["sla_due_at"]), _ns(frame["as_of"])
    frame["chk_due_after_sla_hours"] = (due - opened == SLA_HOURS * _HOUR_NS) & (opened <= as_of)
    contacted = frame["first_contacted_at"].notna().to_numpy()
    first = _ns(frame["first_contacted_at"])
    met = _flag(frame["is_sla_met"])
    expected_met = np.where(
        cancelled, None, np.where(contacted, first <= due, np.where(as_of > due, False, None))
    )
    frame["chk_sla_met"] = [a == b for a, b in zip(met.tolist(), expected_met.tolist(), strict=True)]
    overdue = frame["is_overdue"].astype(bool).to_numpy()
    frame["chk_overdue"] = overdue == ((status == "open").to_numpy() & ~contacted & (as_of > due))
    hours = _hundredths(frame["hours_to_first_contact"])
    frame["chk_hours_to_first_contact"] = np.where(
        contacted, hours == _hours_hundredths(first - opened), frame["hours_to_first_contact"].isna()
    )
    frame["chk_closed_at_iff_closed"] = (frame["closed_at"].notna() == (status == "closed")).to_numpy()
    reasons = frame["priority_reasons"].astype("object")
    frame["chk_high_iff_reasons"] = ((frame["priority"] == "high") == reasons.notna()).to_numpy()
    frame["chk_reasons_known"] = [
        value is None or pd.isna(value) or set(str(value).split(", ")) <= set(PRIORITY_REASONS)
        for value in reasons
    ]
    case_nps = pd.to_numeric(frame["nps_score"], errors="coerce")
    low = (case_nps <= HIGH_PRIORITY_MAX_SCORE).fillna(False).to_numpy()
    frame["chk_low_score_reason"] = low == reasons.fillna("").str.contains("low_score").to_numpy()
    next_known = frame["next_response_id"].notna().to_numpy()
    frame["chk_recovered_iff_next"] = (_flag(frame["is_recovered"]).notna().to_numpy() == next_known) & ~(
        cancelled & next_known
    )
    next_scores = pd.to_numeric(
        responses.reindex(frame["next_response_id"].to_numpy())["nps_score"], errors="coerce"
    ).to_numpy()
    frame["chk_next_score"] = np.where(
        next_known,
        pd.to_numeric(frame["next_nps_score"], errors="coerce").to_numpy() == next_scores,
        frame["next_nps_score"].isna().to_numpy(),
    )
    frame["chk_one_as_of"] = frame["as_of"].nunique() <= 1
    checks = {
        "chk_case_of_an_accepted_response": "each case is an accepted response, with its NPS and CSAT",
        "chk_cancelled_iff_no_longer_opens": "cancelled exactly when the published response opens no case",
        "chk_due_after_sla_hours": f"sla_due_at = opened_at + {SLA_HOURS} h, opened by as_of",
        "chk_sla_met": "is_sla_met: contacted by the due time; false once late; null while not due",
        "chk_overdue": "is_overdue: open, never contacted, past due at as_of",
        "chk_hours_to_first_contact": "hours_to_first_contact recomputed from the timestamps",
        "chk_closed_at_iff_closed": "closed_at is set exactly for a closed case",
        "chk_high_iff_reasons": "priority is high exactly when a reason is given",
        "chk_reasons_known": "priority_reasons lists known reasons",
        "chk_low_score_reason": f"low_score exactly for an NPS answer of at most {HIGH_PRIORITY_MAX_SCORE}",
        "chk_recovered_iff_next": "is_recovered is set exactly with a next response (never when cancelled)",
        "chk_next_score": "next_nps_score is the next response's NPS answer",
        "chk_one_as_of": "one as_of for the whole build",
    }
    for column in checks:
        frame[column] = frame[column].astype(bool)
    return frame, [_true(column, text) for column, text in checks.items()], ["case_id", "status"]


def derived_queue(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """rpt_followup_queue: exactly the open and contacted cases, ranked in the order to call."""
    frame = frames[QUEUE].copy().sort_values("queue_rank").reset_index(drop=True)
    cases = frames[CASES]
    pending = cases[cases["status"].isin(PENDING)].copy()
    pending["overdue_key"] = (~pending["is_overdue"].astype(bool)).astype(int)
    pending["priority_key"] = (pending["priority"] != "high").astype(int)
    pending["due_key"] = _ns(pending["sla_due_at"])
    expected = pending.sort_values(["overdue_key", "priority_key", "due_key", "case_id"])["case_id"].tolist()
    listed = frame["case_id"].tolist()
    frame["chk_rank_is_position"] = pd.to_numeric(
        frame["queue_rank"], errors="coerce"
    ).to_numpy() == np.arange(1, len(frame) + 1)
    frame["chk_case_in_order"] = [
        k < len(expected) and case_id == expected[k] for k, case_id in enumerate(listed)
    ]
    frame["chk_hours_until_due"] = _hundredths(frame["hours_until_due"]) == _hours_hundredths(
        _ns(frame["sla_due_at"]) - _ns(frame["as_of"])
    )
    exps = [
        _true("chk_rank_is_position", "queue_rank is 1, 2, ... without gaps"),
        _true("chk_case_in_order", "the cases to act on, overdue first, then high priority, then due first"),
        _true("chk_hours_until_due", "hours_until_due recomputed from sla_due_at and as_of"),
        _gxe().ExpectTableRowCountToEqual(
            value=len(expected), description=f"every open or contacted case is queued ({len(expected)})"
        ),
    ]
    return frame, exps, ["queue_rank", "case_id"]


def derived_daily(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """fct_followup_daily: shares recomputed, and its totals those of the cases."""
    frame = frames[DAILY].copy().reset_index(drop=True)
    cases = frames[CASES]
    active = cases[cases["status"] != "cancelled"]
    count = {
        column: pd.to_numeric(frame[column], errors="coerce").fillna(-1).astype("int64").to_numpy()
        for column in DAILY_COUNTS
    }
    for column in DAILY_COUNTS:
        frame[f"chk_{column}_not_negative"] = count[column] >= 0
    frame["chk_due_met_within_due"] = count["cases_due_met"] <= count["cases_due"]
    frame["chk_recovered_within_next"] = count["cases_recovered"] <= count["cases_with_next_response"]
    frame["chk_sla_met_pct"] = _hundredths(frame["sla_met_pct"]) == _ratio_hundredths(
        count["cases_due_met"], count["cases_due"]
    )
    frame["chk_recovery_pct"] = _hundredths(frame["recovery_pct"]) == _ratio_hundredths(
        count["cases_recovered"], count["cases_with_next_response"]
    )
    # the last day of each team and region: its backlog is the cases of the cell still to act on
    last = (
        frame.assign(day=pd.to_datetime(frame["case_date"]))
        .groupby(["team", "region"])["day"]
        .transform("max")
    )
    pending = active[active["status"].isin(PENDING)].groupby(["team", "region"]).size()
    keys = list(zip(frame["team"], frame["region"], strict=True))
    is_last = (pd.to_datetime(frame["case_date"]) == last).to_numpy()
    frame["chk_last_backlog"] = [
        not is_last[k] or count["backlog"][k] == int(pending.get(key, 0)) for k, key in enumerate(keys)
    ]
    totals = {"cases_opened": len(active), "cases_closed": int((active["status"] == "closed").sum())}
    contacted = active["first_contacted_at"].notna()
    in_sla = int((contacted & (active["is_sla_met"].astype("object") == True)).sum())  # noqa: E712
    totals["cases_contacted_in_sla"] = in_sla
    totals["cases_contacted_late"] = int(contacted.sum()) - in_sla
    checks = {
        **{f"chk_{column}_not_negative": f"{column} is not negative" for column in DAILY_COUNTS},
        "chk_due_met_within_due": "cases_due_met <= cases_due",
        "chk_recovered_within_next": "cases_recovered <= cases_with_next_response",
        "chk_sla_met_pct": "sla_met_pct = 100 * cases_due_met / cases_due (two decimals)",
        "chk_recovery_pct": "recovery_pct = 100 * cases_recovered / cases_with_next_response",
        "chk_last_backlog": "the backlog of a cell's last day is its open and contacted cases",
    }
    for column, total in totals.items():
        name = f"chk_total_{column}"
        frame[name] = int(count[column].sum()) == total
        checks[name] = f"{column} adds up to the cases of fct_followup_cases ({total})"
    for column in checks:
        frame[column] = frame[column].astype(bool)
    return frame, [_true(column, text) for column, text in checks.items()], ["case_date", "team", "region"]


def derived_unknown_events(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """rpt_unknown_case_events: exactly the accepted events of no case, each with its problem."""
    frame = frames[UNKNOWN_EVENTS].copy().reset_index(drop=True)
    audit = frames["rpt_case_event_audit"]
    accepted = audit[audit["status"] == "accepted"]
    case_ids = set(frames[CASES]["case_id"])
    published = set(frames["fct_nps_responses"]["response_id"])
    orphans = accepted[~accepted["response_id"].isin(case_ids)]
    positions = set(zip(orphans["source_file"], orphans["source_row_number"].astype("int64"), strict=True))
    frame["chk_an_accepted_event_of_no_case"] = [
        (source_file, int(row)) in positions
        for source_file, row in zip(frame["source_file"], frame["source_row_number"], strict=True)
    ]
    frame["chk_problem"] = [
        problem == ("not_a_case" if response_id in published else "unknown_response")
        for response_id, problem in zip(frame["response_id"], frame["problem"], strict=True)
    ]
    exps = [
        _true("chk_an_accepted_event_of_no_case", "each row is an accepted event whose response is no case"),
        _true("chk_problem", "problem: unknown_response without an accepted response, else not_a_case"),
        _gxe().ExpectTableRowCountToEqual(
            value=len(orphans), description=f"every accepted event of no case is listed ({len(orphans)})"
        ),
    ]
    return frame, exps, ["source_file", "source_row_number"]


def _listed(values: pd.Series, allowed: tuple[str, ...]) -> list[bool]:
    """Whether each value is null or a list of allowed reasons, in their order, joined by ', '."""
    ok = []
    for value in values.astype("object"):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            ok.append(True)
            continue
        parts = str(value).split(", ")
        ok.append(all(part in allowed for part in parts) and parts == [r for r in allowed if r in parts])
    return ok


def derived_health(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """fct_customer_health: flags and their reasons agree, counts within counts, the change is
    the difference, the cases those of fct_followup_cases."""
    frame = frames[HEALTH].copy().reset_index(drop=True)
    cases = frames[CASES]
    frame["chk_at_risk_iff_reasons"] = frame["is_at_risk"].astype(bool) == frame["at_risk_reasons"].notna()
    frame["chk_promoter_iff_reasons"] = (
        frame["is_likely_promoter"].astype(bool) == frame["likely_promoter_reasons"].notna()
    )
    frame["chk_reasons_known"] = [
        a and b
        for a, b in zip(
            _listed(frame["at_risk_reasons"], AT_RISK_REASONS),
            _listed(frame["likely_promoter_reasons"], LIKELY_PROMOTER_REASONS),
            strict=True,
        )
    ]
    last, previous, change = (
        pd.to_numeric(frame[column], errors="coerce").astype("float64")
        for column in ("last_nps_score", "previous_nps_score", "nps_change")
    )
    frame["chk_change"] = (
        (last - previous == change) | (change.isna() & (last.isna() | previous.isna()))
    ).to_numpy()
    reasons = frame["at_risk_reasons"].fillna("").astype(str)
    frame["chk_score_drop"] = (
        (change <= -AT_RISK_SCORE_DROP).fillna(False) == reasons.str.contains("score_drop")
    ).to_numpy()
    frame["chk_repeat_reason"] = (
        frame["is_repeat_detractor"].astype(bool) == reasons.str.contains("repeat_detractor")
    ).to_numpy()
    counts = {
        c: pd.to_numeric(frame[c], errors="coerce").astype("float64")
        for c in ("responses_365d", "detractor_responses_365d", "open_cases", "overdue_cases")
    }
    frame["chk_counts_within"] = (
        (counts["detractor_responses_365d"] <= counts["responses_365d"])
        & (counts["overdue_cases"] <= counts["open_cases"])
    ).to_numpy()
    pending = cases[cases["status"].isin(PENDING)].groupby("customer_id").size()
    overdue = cases[cases["is_overdue"].astype(bool)].groupby("customer_id").size()
    frame["chk_cases"] = [
        int(o) == int(pending.get(c, 0)) and int(d) == int(overdue.get(c, 0))
        for c, o, d in zip(frame["customer_id"], counts["open_cases"], counts["overdue_cases"], strict=True)
    ]
    frame["chk_overdue_reason"] = (
        (counts["overdue_cases"] > 0) == reasons.str.contains("overdue_case")
    ).to_numpy()
    for score in ("detractor_risk", "promoter_propensity"):
        values = pd.to_numeric(frame[score], errors="coerce").astype("float64")
        frame[f"chk_{score}"] = (
            ((values >= 0) & (values <= 1)) | (values.isna() & last.isna())
        ).to_numpy() & (values.notna() | last.isna()).to_numpy()
    checks = {
        "chk_detractor_risk": "detractor_risk in [0, 1], null exactly without an NPS answer",
        "chk_promoter_propensity": "promoter_propensity in [0, 1], null exactly without an NPS answer",
        "chk_at_risk_iff_reasons": "is_at_risk exactly when at_risk_reasons is set",
        "chk_promoter_iff_reasons": "is_likely_promoter exactly when likely_promoter_reasons is set",
        "chk_reasons_known": "reasons are known ones, in their order",
        "chk_change": "nps_change = last_nps_score - previous_nps_score",
        "chk_score_drop": f"score_drop exactly for a drop of {AT_RISK_SCORE_DROP} points or more",
        "chk_repeat_reason": "repeat_detractor listed exactly for a repeat detractor",
        "chk_counts_within": "detractor responses within responses, overdue cases within open ones",
        "chk_cases": "open and overdue cases those of fct_followup_cases",
        "chk_overdue_reason": "overdue_case listed exactly with an overdue case",
    }
    for column in checks:
        frame[column] = frame[column].astype(bool)
    return frame, [_true(column, text) for column, text in checks.items()], ["customer_id"]


def derived_audiences(frames: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, list[Any], list[str]]:
    """rpt_campaign_audiences: each row a customer of fct_customer_health meeting its audience's
    rule, every such customer listed."""
    frame = frames[AUDIENCES].copy().reset_index(drop=True)
    health = frames[HEALTH].drop_duplicates("customer_id").set_index("customer_id")
    aligned = health.reindex(frame["customer_id"].to_numpy())
    category = aligned["last_nps_category"].astype("object").to_numpy()
    open_cases = pd.to_numeric(aligned["open_cases"], errors="coerce").fillna(-1).to_numpy()
    at_risk = aligned["is_at_risk"].astype("object").to_numpy()
    audience = frame["audience"].astype("object").to_numpy()
    rule = np.where(
        audience == "referral_candidates",
        (category == "promoter") & (open_cases == 0),
        np.where(
            audience == "passive_reengagement",
            (category == "passive") & (open_cases == 0) & (at_risk == False),  # noqa: E712
            (category == "detractor") | (open_cases > 0),
        ),
    )
    frame["chk_meets_its_rule"] = rule.astype(bool)
    expected_recovery = int(
        ((health["last_nps_category"] == "detractor") | (pd.to_numeric(health["open_cases"]) > 0)).sum()
    )
    exps = [
        _true("chk_meets_its_rule", "each customer meets the rule of the audience"),
        _gxe().ExpectColumnValuesToNotBeNull(column="customer_id", description="customer_id is not null"),
    ]
    frame["chk_recovery_complete"] = int((audience == "detractor_recovery").sum()) == expected_recovery
    exps.append(
        _true(
            "chk_recovery_complete",
            "every customer whose last answer is a detractor's or with an open case is in "
            f"detractor_recovery ({expected_recovery})",
        )
    )
    return frame, exps, ["audience", "customer_id"]


#: The derived checks of each mart: (description, columns needed per mart, builder).
BUILDERS: dict[str, tuple[str, dict[str, tuple[str, ...]], Builder]] = {
    CASES: (
        "cases of accepted responses; SLA, contact, overdue and recovery consistent",
        {"fct_nps_responses": ("response_id", "nps_score", "csat_score")},
        derived_cases,
    ),
    QUEUE: (
        "exactly the open and contacted cases, in the order to call",
        {CASES: ("case_id", "status", "is_overdue", "priority", "sla_due_at")},
        derived_queue,
    ),
    DAILY: (
        "shares recomputed, totals and last backlogs those of the cases",
        {CASES: ("case_id", "status", "team", "region", "first_contacted_at", "is_sla_met")},
        derived_daily,
    ),
    UNKNOWN_EVENTS: (
        "exactly the accepted events of no case",
        {
            "rpt_case_event_audit": ("source_file", "source_row_number", "response_id", "status"),
            CASES: ("case_id",),
            "fct_nps_responses": ("response_id",),
        },
        derived_unknown_events,
    ),
    HEALTH: (
        "flags and reasons agree; change, counts and cases recomputed",
        {CASES: ("customer_id", "status", "is_overdue")},
        derived_health,
    ),
    AUDIENCES: (
        "every customer meets its audience's rule; detractor recovery complete",
        {HEALTH: ("customer_id", "last_nps_category", "open_cases", "is_at_risk")},
        derived_audiences,
    ),
}
