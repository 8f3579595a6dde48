"""An alert of fct_cx_alerts as the notifications read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from nps_warehouse.contract import MART_COLUMNS, MART_SCHEMAS

MART = "fct_cx_alerts"
#: The columns read, in the mart's order (the contract's).
ALERT_COLUMNS: tuple[str, ...] = MART_COLUMNS[MART]
ALERTS_RELATION = f"{MART_SCHEMAS[MART]}.{MART}"
SEVERITIES: tuple[str, ...] = ("high", "medium")


@dataclass(frozen=True)
class Alert:
    """One row of fct_cx_alerts (README, "How sure a number is")."""

    alert_id: str
    rule: str
    metric: str
    severity: str
    period_grain: str
    period_start_date: date
    is_period_complete: bool
    dimension_name: str
    dimension_value: str
    observed: Decimal | None
    baseline: Decimal | None
    p_value: float | None
    q_value: float | None
    responses: int | None
    baseline_responses: int | None

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Alert:
        return cls(**dict(zip(ALERT_COLUMNS, row, strict=True)))

    def as_record(self) -> dict[str, Any]:
        """The alert's fields as JSON values (dates ISO, decimals as numbers)."""
        record: dict[str, Any] = {}
        for column in ALERT_COLUMNS:
            value = getattr(self, column)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = float(value)
            record[column] = value
        return record
