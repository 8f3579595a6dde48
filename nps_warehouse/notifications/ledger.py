"""What was sent where: the table ``notifications.sent_alerts`` in the warehouse, one row per
alert and destination.

The table is the notifier's, not dbt's: dbt builds only its own nodes (a ``--full-refresh``
included) and never drops a schema it does not manage, so the record outlives every build. It
is written on the warehouse of the target (the DuckDB file, or the PostgreSQL database); on
DuckDB, that takes the file's single write lock, so the notifier never runs during a build.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nps_warehouse.notifications.alerts import ALERT_COLUMNS, ALERTS_RELATION, Alert

LEDGER_SCHEMA = "notifications"
LEDGER_TABLE = "sent_alerts"
LEDGER = f"{LEDGER_SCHEMA}.{LEDGER_TABLE}"
#: The alert's columns remembered with it: what was announced, even once the alert is gone.
REMEMBERED = (
    "rule",
    "metric",
    "severity",
    "period_grain",
    "period_start_date",
    "dimension_name",
    "dimension_value",
)


class LedgerUnavailableError(RuntimeError):
    """The warehouse cannot be opened for writing, or has no fct_cx_alerts."""


class Ledger:
    """The alerts of fct_cx_alerts not yet sent to a destination, and the record of those sent."""

    def __init__(self, connection: Any, placeholder: str) -> None:
        self.connection = connection
        self._p = placeholder
        self._execute(f"create schema if not exists {LEDGER_SCHEMA}")
        self._execute(
            f"""
            create table if not exists {LEDGER} (
                alert_id varchar(64) not null,
                destination varchar(400) not null,
                rule varchar(64),
                metric varchar(64),
                severity varchar(16),
                period_grain varchar(16),
                period_start_date date,
                dimension_name varchar(64),
                dimension_value varchar(400),
                language varchar(8) not null,
                delivery varchar(16) not null,
                sent_at timestamp not null,
                primary key (alert_id, destination)
            )
            """
        )
        self._commit()

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    @contextmanager
    def open_duckdb(cls, path: str | Path) -> Iterator[Ledger]:
        import duckdb

        path = Path(path)
        if not path.is_file():
            raise LedgerUnavailableError(
                f"no DuckDB warehouse at {path}: run `make build` first (or set NPS_DUCKDB_PATH)."
            )
        try:
            connection = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise LedgerUnavailableError(
                f"cannot open the warehouse {path} for writing: {exc}. The notifier records what it "
                "sends in the warehouse, and a DuckDB file has one writer: run it after the build "
                "(make build && make notify), never during one, and never while a BI tool holds the "
                "warehouse file itself open (point BI tools at the publication)."
            ) from exc
        try:
            yield cls(connection, "?")
        finally:
            connection.close()

    @classmethod
    @contextmanager
    def open_postgres(cls, settings: Mapping[str, Any]) -> Iterator[Ledger]:
        from nps_warehouse.engines import EngineUnavailableError, postgres_connect

        try:
            connection = postgres_connect(settings)
        except EngineUnavailableError as exc:
            raise LedgerUnavailableError(str(exc)) from exc
        try:
            yield cls(connection, "%s")
        finally:
            connection.close()

    @classmethod
    @contextmanager
    def open_target(
        cls, target: str | None = None, duckdb_path: str | Path | None = None
    ) -> Iterator[Ledger]:
        """The ledger on the warehouse of a dbt target (NPS_TARGET): DuckDB or PostgreSQL."""
        from nps_warehouse.engines import profile_target

        settings = profile_target(target)
        if settings["type"] == "duckdb":
            with cls.open_duckdb(duckdb_path or settings["path"]) as ledger:
                yield ledger
        elif settings["type"] == "postgres":
            with cls.open_postgres(settings) as ledger:
                yield ledger
        else:
            raise LedgerUnavailableError(
                f"alert notifications run on DuckDB and PostgreSQL, not on {settings['type']}: on Spark, "
                "publish the alerts to a DuckDB or PostgreSQL warehouse, or read marts.fct_cx_alerts "
                "from your scheduler."
            )

    # -- reading and recording ------------------------------------------------------------------

    def unsent_alerts(
        self, destination: str, *, since: date | None = None, severities: tuple[str, ...] | None = None
    ) -> list[Alert]:
        """The alerts not yet sent to ``destination`` (whose period starts on or after ``since``,
        of ``severities``), oldest period first, high severity first within a period."""
        try:
            self._execute("select 1 from " + ALERTS_RELATION + " where 1 = 0")
        except Exception as exc:  # each engine has its own "no such table" error
            self._rollback()
            raise LedgerUnavailableError(
                f"the warehouse has no {ALERTS_RELATION}: run `make build` first ({exc})"
            ) from exc
        conditions = [
            f"not exists (select 1 from {LEDGER} as sent where sent.alert_id = alerts.alert_id "
            f"and sent.destination = {self._p})"
        ]
        parameters: list[Any] = [destination]
        if since is not None:
            conditions.append(f"alerts.period_start_date >= {self._p}")
            parameters.append(since)
        if severities:
            conditions.append(f"alerts.severity in ({', '.join([self._p] * len(severities))})")
            parameters.extend(severities)
        rows = self._fetch(
            f"select {', '.join(f'alerts.{column}' for column in ALERT_COLUMNS)} "
            f"from {ALERTS_RELATION} as alerts where {' and '.join(conditions)} "
            "order by alerts.period_start_date, case alerts.severity when 'high' then 0 else 1 end, "
            "alerts.rule, alerts.dimension_name, alerts.dimension_value, alerts.alert_id",
            parameters,
        )
        return [Alert.from_row(tuple(row)) for row in rows]

    def record(
        self,
        alert_id: str,
        destination: str,
        fields: Mapping[str, Any],
        language: str,
        delivery: str = "webhook",
    ) -> None:
        """Remember that ``alert_id`` went to ``destination`` (committed at once)."""
        values = [
            alert_id,
            destination,
            *(fields.get(column) for column in REMEMBERED),
            language,
            delivery,
            datetime.now(UTC).replace(tzinfo=None),
        ]
        self._execute(
            f"insert into {LEDGER} "
            f"(alert_id, destination, {', '.join(REMEMBERED)}, language, delivery, sent_at) "
            f"values ({', '.join([self._p] * len(values))})",
            values,
        )
        self._commit()

    def sent_ids(self, destination: str) -> set[str]:
        return {
            row[0]
            for row in self._fetch(
                f"select alert_id from {LEDGER} where destination = {self._p}", [destination]
            )
        }

    # -- the two drivers' differences ----------------------------------------------------------

    def _execute(self, sql: str, parameters: list[Any] | None = None) -> None:
        if self._p == "?":
            self.connection.execute(sql, parameters or [])
        else:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, parameters or None)

    def _fetch(self, sql: str, parameters: list[Any]) -> list[tuple[Any, ...]]:
        if self._p == "?":
            return self.connection.execute(sql, parameters).fetchall()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()

    def _commit(self) -> None:
        if self._p == "%s":
            self.connection.commit()

    def _rollback(self) -> None:
        if self._p == "%s":
            self.connection.rollback()
