"""Customers: the CRM's rows, checked, settled and kept in versions (dim_customer,
dim_customer_history, rpt_customer_audit).

A row is rejected without its ``customer_id`` (``missing_customer_id``) or without a valid
``updated_at`` (``invalid_updated_at``). Of the valid rows of one (customer_id, updated_at) the
greatest (source_file, source_row_number) is accepted. A customer's accepted rows by updated_at
make its versions, a row that changes none of the attributes merging into the previous one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from nps_warehouse.contract import SOURCE_REJECTION_REASONS
from nps_warehouse.oracle.files import SourceRow
from nps_warehouse.oracle.programme import (
    Checked,
    Row,
    Version,
    attribute_issues,
    lower,
    parse_date,
    parse_timestamp,
    upper,
)
from nps_warehouse.oracle.responses import UNKNOWN, trim
from nps_warehouse.oracle.timestamps import DEFAULT_FORMATS

SOURCE = "customers"
MISSING_CUSTOMER_ID, INVALID_UPDATED_AT = SOURCE_REJECTION_REASONS[SOURCE]


@dataclass(frozen=True, slots=True)
class Customer:
    """A valid customer row, normalised."""

    customer_id: str
    updated_at: datetime
    birth_date: date | None
    loyalty_tier: str | None
    country_code: str | None
    region: str | None
    city: str | None
    postal_code: str | None
    customer_since: date | None
    email: str | None
    phone: str | None

    @property
    def key(self) -> str:
        return self.customer_id

    def attributes(self) -> tuple[Any, ...]:
        """What a new version changes."""
        return (
            self.birth_date,
            self.loyalty_tier,
            self.country_code,
            self.region,
            self.city,
            self.postal_code,
            self.customer_since,
            self.email,
            self.phone,
        )


def group(customer: Customer) -> tuple[str, datetime]:
    """Valid rows of one group compete: one is accepted."""
    return (customer.customer_id, customer.updated_at)


def check(row: SourceRow, formats: Sequence[str] = DEFAULT_FORMATS) -> Checked:
    """The rules applied to a raw customer row."""
    customer_id = trim(row.customer_id)
    updated_at = parse_timestamp(row.updated_at, row, formats)
    birth_date = parse_date(row.birth_date)
    customer_since = parse_date(row.customer_since)
    issues = attribute_issues(row, {"birth_date": birth_date, "customer_since": customer_since})
    if customer_id is None:
        return Checked(row, None, MISSING_CUSTOMER_ID, issues, None)
    if updated_at is None:
        return Checked(row, customer_id, INVALID_UPDATED_AT, issues, None)
    record = Customer(
        customer_id=customer_id,
        updated_at=updated_at,
        birth_date=birth_date,
        loyalty_tier=lower(row.loyalty_tier),
        country_code=upper(row.country_code),
        region=upper(row.region),
        city=trim(row.city),
        postal_code=trim(row.postal_code),
        customer_since=customer_since,
        email=trim(row.email),
        phone=trim(row.phone),
    )
    return Checked(row, customer_id, None, issues, record)


def dim_customer(versions: Mapping[str, Sequence[Version]]) -> list[Row]:
    """dim_customer: a row per customer with a version, its current attributes."""
    rows = []
    for customer_id, history in sorted(versions.items()):
        current: Customer = history[-1].record
        rows.append(
            (
                customer_id,
                current.loyalty_tier or UNKNOWN,
                current.country_code or UNKNOWN,
                current.region or UNKNOWN,
                current.customer_since,
                len(history),
                history[0].valid_from,
                history[-1].valid_from,
            )
        )
    return rows


def dim_customer_history(versions: Mapping[str, Sequence[Version]]) -> list[Row]:
    """dim_customer_history: a row per version of a customer."""
    return [
        (
            customer_id,
            version.version_number,
            customer.loyalty_tier or UNKNOWN,
            customer.country_code or UNKNOWN,
            customer.region or UNKNOWN,
            customer.customer_since,
            version.is_current,
            version.valid_from,
            version.valid_to,
        )
        for customer_id, history in sorted(versions.items())
        for version in history
        for customer in (version.record,)
    ]
