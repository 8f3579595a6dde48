"""Where the dashboard reads the marts from: a small reader interface and its warehouse reader.

The dashboard asks a :class:`MartReader` for the rows of a few marts, by relation, columns and
an optional filter of exact values. :class:`WarehouseReader` answers from the warehouse of
``NPS_TARGET`` (the DuckDB file opened read-only and closed after each query, PostgreSQL or
Spark, through :mod:`nps_warehouse.engines`); another reader (a published copy of the marts, a
test's rows) only has to implement :meth:`MartReader.rows`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from nps_warehouse.contract import MART_COLUMNS, MART_LOAD_COLUMNS, MART_SCHEMAS
from nps_warehouse.engines import EngineUnavailableError, query_rows

Row = dict[str, Any]


class MartReader(Protocol):
    """Reads the rows of one mart."""

    def rows(
        self, relation: str, columns: Sequence[str], where: Mapping[str, Sequence[str]] | None = None
    ) -> list[Row]:
        """The rows of ``relation`` (a mart of :data:`MART_COLUMNS`, whose load metadata
        ``loaded_at`` may be asked for too) as ``{column: value}``
        with SQL meanings kept (``date``, ``Decimal``, ``datetime``, ``bool``), keeping only
        the rows whose column equals one of the given text values for every entry of ``where``."""
        ...


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def select_sql(
    relation: str, columns: Sequence[str], where: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The select of ``columns`` of a mart in its schema, with ``column in (...)`` filters."""
    known = (*MART_COLUMNS[relation], *MART_LOAD_COLUMNS.get(relation, ()))
    unknown = [column for column in (*columns, *(where or {})) if column not in known]
    if unknown:
        raise ValueError(f"{relation} has no column(s) {', '.join(unknown)}")
    sql = f"select {', '.join(columns)} from {MART_SCHEMAS[relation]}.{relation}"
    conditions = [
        f"{column} in ({', '.join(_literal(value) for value in values)})"
        for column, values in (where or {}).items()
    ]
    if conditions:
        sql += " where " + " and ".join(conditions)
    return sql


@dataclass
class WarehouseReader:
    """The marts of the warehouse of ``target`` (default ``NPS_TARGET``); on DuckDB, of the file
    ``duckdb_path`` (default ``NPS_DUCKDB_PATH``, then the profile's), opened read-only; on
    PostgreSQL, of the database ``postgres_dbname`` (default the profile's, ``PGDATABASE``)."""

    target: str | None = None
    duckdb_path: str | os.PathLike[str] | None = None
    postgres_dbname: str | None = None
    #: the relations read so far (for the CLI's progress and the tests)
    queries: list[str] = field(default_factory=list)

    def rows(
        self, relation: str, columns: Sequence[str], where: Mapping[str, Sequence[str]] | None = None
    ) -> list[Row]:
        sql = select_sql(relation, columns, where)
        self.queries.append(sql)
        try:
            rows = query_rows(
                sql, target=self.target, duckdb_path=self.duckdb_path, postgres_dbname=self.postgres_dbname
            )
        except EngineUnavailableError:
            raise
        except Exception as exc:  # the engine's own error: a mart or a column missing
            raise EngineUnavailableError(
                f"cannot read {MART_SCHEMAS[relation]}.{relation}: {str(exc).strip().rstrip('.')}. "
                "Run `make build` to publish the marts."
            ) from exc
        return [dict(zip(columns, row, strict=True)) for row in rows]
