"""Closing the loop on a hand-written scenario: every follow-up path (contacted in time, late,
never, not yet due, reopened, resolved without a contact, cancelled by a resubmission, events of
no case or after the reference instant, a case opened by its CSAT), checked value by value in
the oracle, then the dbt build compared with the oracle cell by cell."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from harness import PROJECT_DIR, SEEDS_DIR, assert_marts_equal, read_marts, run_dbt
from test_oracle_programme import RESPONSE_HEADER, as_dicts, response, write, write_source

from nps_warehouse.oracle import FollowupSettings, compute_marts

AS_OF = datetime(2026, 10, 10, 12, 0, 0)

RESPONSES = [
    response("F1", "2026-10-01T08:00:00Z", customer_id="C1", score="2"),
    response("F2", "2026-10-02T10:00:00Z", customer_id="C2", score="5"),
    response("F3", "2026-10-05T12:00:00Z", customer_id="C3", score="6", agent_id="A3"),
    response("F4", "2026-10-09T12:00:00Z", customer_id="C4", score="4"),
    response("F5", "2026-10-03T08:00:00Z", customer_id="C5", score="3"),
    response("F6", "2026-10-03T09:00:00Z", customer_id="C6", score="6"),
    # a detractor's answer, then a resubmission of a promoter: the case is cancelled
    response("F7", "2026-10-02T09:00:00Z", customer_id="C7", score="2"),
    response("F7", "2026-10-02T11:00:00Z", customer_id="C7", score="9"),
    # C1 answers again: F1 recovered
    response("F8", "2026-10-08T09:00:00Z", customer_id="C1", score="9"),
    # C5's earlier detractor answer: F5 is a repeat detractor's
    response("F9", "2026-09-20T09:00:00Z", customer_id="C5", score="1"),
    # only a CSAT of 1, from a platinum customer
    response("F10", "2026-10-04T09:00:00Z", customer_id="C10", score=None, csat_score="1"),
    response("F11", "2026-10-04T10:00:00Z", customer_id="C11", score="8"),
    # submitted after the reference instant: unknown to the build
    response("F12", "2026-10-11T09:00:00Z", customer_id="C12", score="0"),
]
RESPONSE_COLUMNS = (*RESPONSE_HEADER, "csat_score")


def event(
    response_id: str | None, event_type: str, event_at: str, owner: str | None = None
) -> dict[str, Any]:
    return {"response_id": response_id, "event_type": event_type, "event_at": event_at, "owner": owner}


EVENTS = [
    event("F1", "assigned", "2026-10-01T09:00:00Z", "lead_1"),
    event("F1", "contacted", "2026-10-02T07:00:00Z"),
    event("F1", "resolved", "2026-10-03T10:00:00Z"),
    event("F1", "closed", "2026-10-04T10:00:00Z"),
    event("F2", "Contacted ", "2026-10-05T10:00:00Z"),
    event("F2", "resolved", "2026-10-06T10:00:00Z"),
    event("F2", "closed", "2026-10-11T10:00:00Z"),  # after as_of: not known yet
    event("F5", "contacted", "2026-10-03T20:00:00Z"),
    event("F5", "resolved", "2026-10-04T08:00:00Z"),
    event("F5", "reopened", "2026-10-06T08:00:00Z"),
    event("F6", "assigned", "2026-10-03T10:00:00Z", "lead_2"),
    event("F6", "resolved", "2026-10-04T09:00:00Z"),
    event("F6", "resolved", "2026-10-04T09:00:00Z"),  # exported twice: superseded
    event("F7", "assigned", "2026-10-02T10:00:00Z", "lead_1"),
    event("F11", "contacted", "2026-10-05T10:00:00Z"),  # not a case
    event("ZZ1", "contacted", "2026-10-05T10:00:00Z"),  # no such response
    event(None, "contacted", "2026-10-05T10:00:00Z"),  # rejected: missing_response_id
    event("F3", "called", "2026-10-06T10:00:00Z"),  # rejected: invalid_event_type
    event("F3", "contacted", "yesterday"),  # rejected: invalid_event_at
]
AGENTS = [{"agent_id": "A3", "updated_at": "2026-01-01T00:00:00Z", "team": "t3", "manager_id": "M9"}]
CUSTOMERS = [{"customer_id": "C10", "updated_at": "2026-01-01T00:00:00Z", "loyalty_tier": "platinum"}]


def _landing(root: Path) -> tuple[str, dict[str, str]]:
    raw = write(root / "responses.csv", RESPONSE_COLUMNS, RESPONSES)
    sources = {
        "case_events": write_source(root / "case_events" / "case_events_1.csv", "case_events", EVENTS),
        "agents": write_source(root / "agents" / "agents_1.csv", "agents", AGENTS),
        "customers": write_source(root / "customers" / "customers_1.csv", "customers", CUSTOMERS),
    }
    return raw, sources


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    return _landing(tmp_path_factory.mktemp("followup"))


@pytest.fixture(scope="module")
def marts(landing: tuple[str, dict[str, str]]) -> dict[str, list[tuple[Any, ...]]]:
    raw, sources = landing
    return compute_marts(raw, SEEDS_DIR, sources=sources, followup_settings=FollowupSettings(as_of=AS_OF))


@pytest.fixture(scope="module")
def cases(marts: dict[str, list[tuple[Any, ...]]]) -> dict[str, dict[str, Any]]:
    return {row["case_id"]: row for row in as_dicts(marts, "fct_followup_cases")}


def test_which_responses_are_cases(cases: dict[str, dict[str, Any]]) -> None:
    # F8 and F11 are no detractors, F12 came after as_of
    assert sorted(cases) == ["F1", "F10", "F2", "F3", "F4", "F5", "F6", "F7", "F9"]
    assert cases["F10"]["case_reason"] == "dissatisfied_csat"
    assert {cases[c]["case_reason"] for c in cases if c != "F10"} == {"detractor"}


def test_contacted_in_time_closed_and_recovered(cases: dict[str, dict[str, Any]]) -> None:
    f1 = cases["F1"]
    assert (f1["status"], f1["owner"], f1["events"]) == ("closed", "lead_1", 4)
    assert f1["opened_at"] == datetime(2026, 10, 1, 8) and f1["sla_due_at"] == datetime(2026, 10, 3, 8)
    assert f1["first_contacted_at"] == datetime(2026, 10, 2, 7)
    assert (f1["hours_to_first_contact"], f1["is_sla_met"], f1["is_overdue"]) == (
        Decimal("23.00"),
        True,
        False,
    )
    assert f1["closed_at"] == datetime(2026, 10, 4, 10)
    assert (f1["next_response_id"], f1["next_nps_score"], f1["is_recovered"]) == ("F8", 9, True)
    assert (f1["priority"], f1["priority_reasons"]) == ("high", "low_score")


def test_contacted_late_and_an_event_after_as_of(cases: dict[str, dict[str, Any]]) -> None:
    f2 = cases["F2"]
    # the closing event of 11 October is not known on the 10th
    assert (f2["status"], f2["events"], f2["closed_at"]) == ("resolved", 2, None)
    assert (f2["hours_to_first_contact"], f2["is_sla_met"], f2["is_overdue"]) == (
        Decimal("72.00"),
        False,
        False,
    )
    assert (f2["priority"], f2["owner"]) == ("normal", None)


def test_never_contacted_is_overdue_and_owned_by_the_agents_manager(cases: dict[str, dict[str, Any]]) -> None:
    f3 = cases["F3"]
    assert (f3["status"], f3["is_sla_met"], f3["is_overdue"], f3["owner"]) == ("open", False, True, "M9")
    assert (f3["team"], f3["events"]) == ("t3", 0)


def test_not_yet_due(cases: dict[str, dict[str, Any]]) -> None:
    f4 = cases["F4"]
    assert (f4["status"], f4["is_sla_met"], f4["is_overdue"]) == ("open", None, False)


def test_reopened_repeat_detractor(cases: dict[str, dict[str, Any]]) -> None:
    f5 = cases["F5"]
    assert (f5["status"], f5["times_reopened"], f5["is_sla_met"], f5["is_overdue"]) == (
        "open",
        1,
        True,
        False,
    )
    assert f5["hours_to_first_contact"] == Decimal("12.00")
    assert (f5["priority"], f5["priority_reasons"]) == ("high", "low_score, repeat_detractor")
    # F9 (C5's earlier case) has F5 as its next answer: a detractor again, not recovered
    assert (cases["F9"]["next_response_id"], cases["F9"]["is_recovered"]) == ("F5", False)


def test_resolved_without_contact(cases: dict[str, dict[str, Any]]) -> None:
    f6 = cases["F6"]
    assert (f6["status"], f6["owner"], f6["events"], f6["first_contacted_at"]) == (
        "resolved",
        "lead_2",
        2,
        None,
    )
    assert (f6["hours_to_first_contact"], f6["is_sla_met"], f6["is_overdue"]) == (None, False, False)


def test_cancelled_by_a_resubmission(cases: dict[str, dict[str, Any]]) -> None:
    f7 = cases["F7"]
    assert (f7["status"], f7["nps_score"], f7["opened_at"]) == ("cancelled", 9, datetime(2026, 10, 2, 9))
    assert (f7["is_sla_met"], f7["is_overdue"], f7["next_response_id"], f7["events"]) == (
        None,
        False,
        None,
        1,
    )


def test_csat_case_of_a_platinum_customer(cases: dict[str, dict[str, Any]]) -> None:
    f10 = cases["F10"]
    assert (f10["nps_score"], f10["csat_score"], f10["priority"], f10["priority_reasons"]) == (
        None,
        1,
        "high",
        "top_tier",
    )


def test_queue_overdue_then_priority_then_due(marts: dict[str, list[tuple[Any, ...]]]) -> None:
    queue = as_dicts(marts, "rpt_followup_queue")
    assert [(row["queue_rank"], row["case_id"], row["hours_until_due"]) for row in queue] == [
        (1, "F9", Decimal("-435.00")),
        (2, "F10", Decimal("-99.00")),
        (3, "F3", Decimal("-72.00")),
        (4, "F5", Decimal("-124.00")),
        (5, "F4", Decimal("24.00")),
    ]


def test_daily_follow_up(marts: dict[str, list[tuple[Any, ...]]]) -> None:
    daily = {
        (row["case_date"], row["team"], row["region"]): row for row in as_dicts(marts, "fct_followup_daily")
    }
    cell = "unknown", "IDF"
    # F1, F2, F5, F6 ... opened in team unknown, region IDF; the last day is as_of's
    assert max(day for day, *_ in daily) == date(2026, 10, 10)
    first_october = daily[(date(2026, 10, 1), *cell)]
    assert (first_october["cases_opened"], first_october["backlog"]) == (1, 2)  # F9 still open
    third = daily[(date(2026, 10, 3), *cell)]
    # F5 and F6 opened; F1 due and met; F1 resolved; F5 contacted in SLA (12 h)
    assert (third["cases_opened"], third["cases_due"], third["cases_due_met"], third["sla_met_pct"]) == (
        2,
        1,
        1,
        Decimal("100.00"),
    )
    assert (third["cases_contacted_in_sla"], third["median_hours_to_first_contact"]) == (1, Decimal("12.00"))
    fifth = daily[(date(2026, 10, 5), *cell)]
    assert (fifth["cases_contacted_late"], fifth["median_hours_to_first_contact"]) == (1, Decimal("72.00"))
    last = daily[(date(2026, 10, 10), *cell)]
    # open or contacted on the 10th: F4, F5 (reopened), F9, F10 in team unknown
    assert last["backlog"] == 4
    opened_first = daily[(date(2026, 10, 1), *cell)]
    assert (opened_first["cases_with_next_response"], opened_first["cases_recovered"]) == (1, 1)
    assert opened_first["recovery_pct"] == Decimal("100.00")


def test_events_of_no_case_and_the_audit(marts: dict[str, list[tuple[Any, ...]]]) -> None:
    unknown = {row["response_id"]: row["problem"] for row in as_dicts(marts, "rpt_unknown_case_events")}
    assert unknown == {"F11": "not_a_case", "ZZ1": "unknown_response"}
    audit = as_dicts(marts, "rpt_case_event_audit")
    assert sorted((row["status"], row["reason"]) for row in audit if row["status"] != "accepted") == [
        ("rejected", "invalid_event_at"),
        ("rejected", "invalid_event_type"),
        ("rejected", "missing_response_id"),
        ("superseded", None),
    ]


def test_the_build_equals_the_oracle(tmp_path: Path, landing: tuple[str, dict[str, str]], marts) -> None:
    raw, sources = landing
    run = run_dbt(
        "build",
        database=tmp_path / "nps.duckdb",
        raw=raw,
        work_dir=tmp_path,
        sources=sources,
        dbt_vars={"cx_as_of": "2026-10-10T12:00:00Z"},
        data_tests=True,
    )
    assert run.success, run.failures() or run.exception
    assert_marts_equal(read_marts(tmp_path / "nps.duckdb"), marts)
    # the CRM export reads the built mart
    environment = {**os.environ, "NPS_DUCKDB_PATH": str(tmp_path / "nps.duckdb"), "NPS_TARGET": "duckdb"}
    done = subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "scripts" / "export_audiences.py"),
            "--out",
            str(tmp_path / "crm"),
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "detractor_recovery: 6 customer(s)" in done.stderr
    assert sorted(path.name for path in (tmp_path / "crm").iterdir()) == [
        "detractor_recovery.csv",
        "passive_reengagement.csv",
        "referral_candidates.csv",
    ]


def test_a_malformed_as_of_is_refused_with_its_fix(
    tmp_path: Path, landing: tuple[str, dict[str, str]]
) -> None:
    raw, sources = landing
    run = run_dbt(
        "build",
        database=tmp_path / "nps.duckdb",
        raw=raw,
        work_dir=tmp_path,
        sources=sources,
        dbt_vars={"cx_as_of": "10/10/2026"},
    )
    assert not run.success
    message = str(run.failures() or run.exception)
    assert "cx_as_of" in message and "YYYY-MM-DD HH:MM:SS" in message


def test_customer_health(marts: dict[str, list[tuple[Any, ...]]]) -> None:
    health = {row["customer_id"]: row for row in as_dicts(marts, "fct_customer_health")}
    assert "C12" not in health  # answered after as_of
    c1 = health["C1"]
    assert (c1["last_nps_score"], c1["previous_nps_score"], c1["nps_change"]) == (9, 2, 7)
    assert (c1["responses_365d"], c1["detractor_responses_365d"], c1["is_at_risk"]) == (2, 1, False)
    c5 = health["C5"]
    assert (c5["is_repeat_detractor"], c5["open_cases"], c5["overdue_cases"]) == (True, 2, 1)
    assert c5["at_risk_reasons"] == "repeat_detractor, overdue_case"
    c10 = health["C10"]
    assert (c10["last_nps_score"], c10["loyalty_tier"], c10["at_risk_reasons"]) == (
        None,
        "platinum",
        "overdue_case",
    )
    assert (health["C3"]["at_risk_reasons"], health["C2"]["is_at_risk"]) == ("overdue_case", False)


def test_campaign_audiences(marts: dict[str, list[tuple[Any, ...]]]) -> None:
    audiences = {
        (row["audience"], row["customer_id"]): (row["reasons"], row["case_id"], row["case_status"])
        for row in as_dicts(marts, "rpt_campaign_audiences")
    }
    assert audiences == {
        ("referral_candidates", "C1"): ("recent_promoter", None, None),
        ("referral_candidates", "C7"): ("recent_promoter", None, None),
        ("passive_reengagement", "C11"): ("passive", None, None),
        ("detractor_recovery", "C2"): ("last_answer_detractor", "F2", "resolved"),
        ("detractor_recovery", "C3"): ("last_answer_detractor, open_case, overdue_case", "F3", "open"),
        ("detractor_recovery", "C4"): ("last_answer_detractor, open_case", "F4", "open"),
        ("detractor_recovery", "C5"): ("last_answer_detractor, open_case, overdue_case", "F5", "open"),
        ("detractor_recovery", "C6"): ("last_answer_detractor", "F6", "resolved"),
        ("detractor_recovery", "C10"): ("open_case, overdue_case", "F10", "open"),
    }


def test_audiences_export_one_csv_each_without_comments(tmp_path: Path, marts) -> None:
    from nps_warehouse.audiences import EXPORT_COLUMNS, write_audiences

    written = write_audiences(marts["rpt_campaign_audiences"], tmp_path / "crm")
    assert {audience: count for audience, (_, count) in written.items()} == {
        "referral_candidates": 2,
        "passive_reengagement": 1,
        "detractor_recovery": 6,
    }
    lines = written["detractor_recovery"][0].read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS) and "comment" not in lines[0]
    assert lines[1].startswith("C10,") and lines[-1].startswith("C6,")
    with pytest.raises(ValueError, match="unknown audience"):
        write_audiences([], tmp_path / "x", ["everyone"])
