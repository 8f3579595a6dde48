"""The publication: a read-only copy of the marts that BI tools read while the next build runs.

A DuckDB file has one writer, and any connection to it, even read-only, holds a lock that makes
the next ``dbt build`` fail. So BI tools never read the warehouse itself: after each successful
build, :func:`publish` copies the schema ``marts`` (and nothing else: no raw values, no audit)
into files of their own, beside the warehouse::

    <dir>/published/<stem>.duckdb                    the marts, one DuckDB file
    <dir>/published/<stem>.parquet/current           symlink to the latest version below
    <dir>/published/<stem>.parquet/<version>/        one <mart>.parquet per mart, _publication.json

Both are written under new names and swapped in atomically: the DuckDB file by ``os.replace``
(a reader that holds the old file keeps reading its inode, whole; the next reader opens the new
one), the Parquet set by repointing the ``current`` symlink with ``os.replace``. Versions no
longer current are kept (``keep_versions``) so that a reader who resolved ``current`` a moment
ago still finds its files, then removed. Each publication carries its manifest: the tables
``marts._publication`` (when, from which build, as of when) and ``marts._publication_marts``
(rows per mart), and ``_publication.json`` in each Parquet version; :func:`verify_publication`
checks a publication against it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nps_warehouse.contract import MART_SCHEMAS, MARTS_SCHEMA

#: The schema published, and the marts the contract says it must hold.
PUBLISHED_SCHEMA = MARTS_SCHEMA
CONTRACT_MARTS: tuple[str, ...] = tuple(sorted(m for m, s in MART_SCHEMAS.items() if s == MARTS_SCHEMA))
#: Manifest tables written into the published schema beside the marts.
MANIFEST_TABLE = "_publication"
MANIFEST_MARTS_TABLE = "_publication_marts"
MANIFEST_JSON = "_publication.json"
CURRENT_LINK = "current"
#: Parquet versions kept besides the current one (readers that resolved an older one).
DEFAULT_KEEP_VERSIONS = 2
_VERSION = re.compile(r"^\d{8}T\d{12}Z$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PublicationError(RuntimeError):
    """The publication cannot be written or read, or is not consistent with its manifest."""


@dataclass(frozen=True)
class PublicationPaths:
    """Where the publication of one warehouse lives."""

    directory: Path
    stem: str

    @property
    def duckdb(self) -> Path:
        return self.directory / f"{self.stem}.duckdb"

    @property
    def parquet_root(self) -> Path:
        return self.directory / f"{self.stem}.parquet"

    @property
    def parquet_current(self) -> Path:
        return self.parquet_root / CURRENT_LINK

    @property
    def lock(self) -> Path:
        return self.directory / f".{self.stem}.publish.lock"


def publication_paths(
    warehouse: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None
) -> PublicationPaths:
    """The publication of ``warehouse``: under ``out_dir``, else ``published/`` beside it, named
    for the warehouse file (``nps.duckdb`` -> ``published/nps.duckdb``, ``published/nps.parquet``)."""
    warehouse = Path(warehouse)
    directory = Path(out_dir) if out_dir is not None else warehouse.parent / "published"
    return PublicationPaths(directory=directory, stem=warehouse.stem)


@dataclass
class Manifest:
    """What a BI user needs to know about the numbers they read."""

    publication_id: str
    published_at: str
    #: when the dbt build that made the marts ended (UTC), from its run_results.json; None if unknown
    built_at: str | None
    dbt_invocation_id: str | None
    #: the marts' "now" (var cx_as_of, else the build's start): fct_customer_health's as_of
    cx_as_of: str | None
    #: the latest response date in the marts
    latest_response_date: str | None
    #: the project's git commit, when published from a git checkout
    source_commit: str | None
    warehouse: str
    marts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------------------------
# Publishing
# --------------------------------------------------------------------------------------------


def publish(
    warehouse: str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    run_results: str | os.PathLike[str] | None = None,
    keep_versions: int = DEFAULT_KEEP_VERSIONS,
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[PublicationPaths, Manifest]:
    """Publish the marts of the DuckDB ``warehouse`` (see the module's doc). ``run_results`` is
    the build's ``target/run_results.json``: when given, a build that failed is not published."""
    import duckdb

    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise PublicationError(
            f"no DuckDB warehouse at {warehouse}: run `make build` first (or set NPS_DUCKDB_PATH)."
        )
    if keep_versions < 0:
        raise PublicationError(f"keep_versions must be 0 or more, not {keep_versions}")
    build = _build_of(Path(run_results)) if run_results is not None else {}
    paths = publication_paths(warehouse, out_dir)
    paths.directory.mkdir(parents=True, exist_ok=True)
    paths.parquet_root.mkdir(exist_ok=True)
    with _publish_lock(paths):
        _remove_leftovers(paths)
        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        # a name of its own: DuckDB names a file's catalog after it, and the warehouse is attached
        # under its own name
        temporary = paths.directory / f"_publishing_{version}_{paths.stem}.duckdb"
        version_dir = paths.parquet_root / version
        try:
            connection = duckdb.connect(str(temporary))
        except duckdb.Error as exc:
            raise PublicationError(f"cannot create {temporary}: {exc}") from exc
        try:
            source = _attach_warehouse(connection, warehouse)
            marts = _published_relations(connection, source, warehouse)
            connection.execute(f"create schema {PUBLISHED_SCHEMA}")
            counts: dict[str, int] = {}
            for mart in marts:
                connection.execute(
                    f'create table {PUBLISHED_SCHEMA}."{mart}" as '
                    f'select * from "{source}".{PUBLISHED_SCHEMA}."{mart}"'
                )
                counts[mart] = connection.execute(
                    f'select count(*) from {PUBLISHED_SCHEMA}."{mart}"'
                ).fetchone()[0]
                progress(f"published {PUBLISHED_SCHEMA}.{mart}: {counts[mart]} rows")
            manifest = Manifest(
                publication_id=version,
                published_at=_iso(datetime.now(UTC).replace(tzinfo=None)),
                built_at=build.get("built_at"),
                dbt_invocation_id=build.get("invocation_id"),
                cx_as_of=_scalar(
                    connection, f"select max(as_of) from {PUBLISHED_SCHEMA}.fct_customer_health"
                ),
                latest_response_date=_scalar(
                    connection, f"select max(response_date) from {PUBLISHED_SCHEMA}.fct_cx_responses"
                ),
                source_commit=_git_commit(),
                warehouse=warehouse.name,
                marts=counts,
            )
            connection.execute(f'detach "{source}"')
            _write_manifest_tables(connection, manifest)
            version_dir.mkdir()
            for mart in [*marts, MANIFEST_TABLE, MANIFEST_MARTS_TABLE]:
                target = _sql_string(str(version_dir / f"{mart}.parquet"))
                connection.execute(
                    f'copy {PUBLISHED_SCHEMA}."{mart}" to {target} (format parquet, compression zstd)'
                )
            (version_dir / MANIFEST_JSON).write_text(manifest.to_json(), encoding="utf-8")
            connection.execute("checkpoint")
        except BaseException:
            connection.close()
            temporary.unlink(missing_ok=True)
            shutil.rmtree(version_dir, ignore_errors=True)
            raise
        connection.close()
        _fsync_tree(temporary, version_dir)
        # the swap: each is one rename, so a reader sees the old or the new, never a mix
        os.replace(temporary, paths.duckdb)
        _repoint(paths.parquet_current, version)
        _fsync_directory(paths.directory)
        removed = _remove_old_versions(paths, keep_versions)
    progress(
        f"published {len(marts)} marts to {paths.duckdb} and {paths.parquet_current}/ "
        f"(version {version}; {removed} old version(s) removed)"
    )
    return paths, manifest


def _attach_warehouse(connection: Any, warehouse: Path) -> str:
    """Attach the warehouse read-only under its own name (views in it name their catalog)."""
    import duckdb

    alias = warehouse.stem
    if not _IDENTIFIER.match(alias):
        alias = "warehouse"
    try:
        connection.execute(f'attach {_sql_string(str(warehouse))} as "{alias}" (read_only)')
    except duckdb.Error as exc:
        raise PublicationError(
            f"cannot read the warehouse {warehouse}: {exc}. If a build is writing it, publish after "
            "the build ends (`make build` does); no BI tool may hold the warehouse file itself open."
        ) from exc
    return alias


def _published_relations(connection: Any, source: str, warehouse: Path) -> list[str]:
    """Every table and view of the warehouse's schema marts; the contract's marts must be there."""
    rows = connection.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = ? "
        "order by table_name",
        [source, PUBLISHED_SCHEMA],
    ).fetchall()
    relations = [name for (name,) in rows if not name.startswith("_")]
    missing = [mart for mart in CONTRACT_MARTS if mart not in relations]
    if missing:
        raise PublicationError(
            f"the warehouse {warehouse} lacks {len(missing)} mart(s) of schema {PUBLISHED_SCHEMA}: "
            f"{', '.join(missing)}. Run `make build` (a build that failed is never published)."
        )
    return relations


def _write_manifest_tables(connection: Any, manifest: Manifest) -> None:
    connection.execute(
        f"""
        create table {PUBLISHED_SCHEMA}.{MANIFEST_TABLE} (
            publication_id varchar not null,
            published_at timestamp not null,
            built_at timestamp,
            dbt_invocation_id varchar,
            cx_as_of timestamp,
            latest_response_date date,
            source_commit varchar,
            warehouse varchar not null,
            marts bigint not null,
            total_rows bigint not null
        )
        """
    )
    connection.execute(
        f"insert into {PUBLISHED_SCHEMA}.{MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            manifest.publication_id,
            manifest.published_at,
            manifest.built_at,
            manifest.dbt_invocation_id,
            manifest.cx_as_of,
            manifest.latest_response_date,
            manifest.source_commit,
            manifest.warehouse,
            len(manifest.marts),
            sum(manifest.marts.values()),
        ],
    )
    connection.execute(
        f"create table {PUBLISHED_SCHEMA}.{MANIFEST_MARTS_TABLE} "
        "(publication_id varchar not null, mart varchar not null, row_count bigint not null, "
        "parquet_file varchar not null)"
    )
    connection.executemany(
        f"insert into {PUBLISHED_SCHEMA}.{MANIFEST_MARTS_TABLE} values (?, ?, ?, ?)",
        [
            [manifest.publication_id, mart, rows, f"{mart}.parquet"]
            for mart, rows in sorted(manifest.marts.items())
        ],
    )


def _build_of(run_results: Path) -> dict[str, str | None]:
    """When the build ended and its id, from dbt's run_results.json; a failed build is refused."""
    try:
        results = json.loads(run_results.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PublicationError(
            f"{run_results} not found: publish right after a dbt build (make build does), or leave "
            "--run-results out to publish without the build's details."
        ) from exc
    except (OSError, ValueError) as exc:
        raise PublicationError(f"cannot read {run_results}: {exc}") from exc
    failed = sorted(
        result.get("unique_id", "?")
        for result in results.get("results", [])
        if result.get("status") in ("error", "fail", "runtime error")
    )
    if failed:
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise PublicationError(
            f"the dbt run of {run_results} failed ({shown}): its marts are not published. Fix the "
            "build and run `make build` again; the previous publication stays in place."
        )
    metadata = results.get("metadata", {})
    generated = metadata.get("generated_at")
    return {
        "built_at": _iso(datetime.fromisoformat(generated.replace("Z", "+00:00")).replace(tzinfo=None))
        if generated
        else None,
        "invocation_id": metadata.get("invocation_id"),
    }


# --------------------------------------------------------------------------------------------
# Verifying
# --------------------------------------------------------------------------------------------


def read_manifest(paths: PublicationPaths) -> tuple[Path, Manifest]:
    """The current Parquet version's directory (resolved once: read every file from it) and its
    manifest."""
    if not paths.parquet_current.is_symlink():
        raise PublicationError(f"no publication at {paths.parquet_current}: run `make publish` after a build")
    version_dir = paths.parquet_root / os.readlink(paths.parquet_current)
    try:
        data = json.loads((version_dir / MANIFEST_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PublicationError(f"cannot read the manifest of {version_dir}: {exc}") from exc
    return version_dir, Manifest(**data)


def verify_duckdb(path: str | os.PathLike[str], connection: Any | None = None) -> str:
    """Check a published DuckDB file (or an open connection to one): every mart of its manifest
    has the manifest's rows, and every mart listed. Returns the publication id."""
    import duckdb

    own = connection is None
    if own:
        try:
            connection = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            raise PublicationError(f"cannot open the publication {path}: {exc}") from exc
    try:
        ids = connection.execute(f"select publication_id from {PUBLISHED_SCHEMA}.{MANIFEST_TABLE}").fetchall()
        expected = connection.execute(
            f"select publication_id, mart, row_count from {PUBLISHED_SCHEMA}.{MANIFEST_MARTS_TABLE}"
        ).fetchall()
        if len(ids) != 1 or {row[0] for row in expected} != {ids[0][0]}:
            raise PublicationError(f"{path}: the manifest tables disagree ({ids}, {len(expected)} marts)")
        problems = []
        for _, mart, rows in expected:
            actual = connection.execute(f'select count(*) from {PUBLISHED_SCHEMA}."{mart}"').fetchone()[0]
            if actual != rows:
                problems.append(f"{mart}: {actual} rows, manifest {rows}")
        if problems:
            raise PublicationError(
                f"{path} is not the publication its manifest describes: {'; '.join(problems)}"
            )
        return ids[0][0]
    except duckdb.Error as exc:
        raise PublicationError(f"cannot read the publication {path}: {exc}") from exc
    finally:
        if own:
            connection.close()


def verify_parquet(paths: PublicationPaths) -> str:
    """Check the current Parquet version: every file of the manifest, with its rows. Returns the
    publication id."""
    import duckdb

    version_dir, manifest = read_manifest(paths)
    if version_dir.name != manifest.publication_id:
        raise PublicationError(f"{version_dir} holds the manifest of {manifest.publication_id}")
    connection = duckdb.connect()
    try:
        problems = []
        for mart, rows in manifest.marts.items():
            file = version_dir / f"{mart}.parquet"
            actual = connection.execute(
                f"select count(*) from read_parquet({_sql_string(str(file))})"
            ).fetchone()[0]
            if actual != rows:
                problems.append(f"{mart}: {actual} rows, manifest {rows}")
        if problems:
            raise PublicationError(f"{version_dir} is not consistent: {'; '.join(problems)}")
    except duckdb.Error as exc:
        raise PublicationError(f"cannot read the Parquet publication {version_dir}: {exc}") from exc
    finally:
        connection.close()
    return manifest.publication_id


def verify_publication(paths: PublicationPaths) -> tuple[str, str]:
    """Both halves of a publication checked: (DuckDB file's id, Parquet set's id)."""
    if not paths.duckdb.is_file():
        raise PublicationError(f"no publication at {paths.duckdb}: run `make publish` after a build")
    return verify_duckdb(paths.duckdb), verify_parquet(paths)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@contextmanager
def _publish_lock(paths: PublicationPaths) -> Iterator[None]:
    with open(paths.lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PublicationError(
                f"another publish of {paths.stem} is running ({paths.lock} is locked): wait for it"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(paths: PublicationPaths) -> None:
    """What a publish that was killed left: its temporary file, and a version never made current."""
    for leftover in paths.directory.glob(f"_publishing_*_{paths.stem}.duckdb*"):
        leftover.unlink(missing_ok=True)
    current = os.readlink(paths.parquet_current) if paths.parquet_current.is_symlink() else None
    for link in paths.parquet_root.glob(f".{CURRENT_LINK}.*"):
        link.unlink(missing_ok=True)
    versions = _versions(paths)
    newest_kept = versions.index(current) if current in versions else -1
    for version in versions[newest_kept + 1 :]:
        shutil.rmtree(paths.parquet_root / version, ignore_errors=True)


def _versions(paths: PublicationPaths) -> list[str]:
    return sorted(
        entry.name
        for entry in paths.parquet_root.iterdir()
        if entry.is_dir() and not entry.is_symlink() and _VERSION.match(entry.name)
    )


def _repoint(link: Path, version: str) -> None:
    """Point ``link`` at ``version`` in one rename (a relative link: the folder can be moved)."""
    temporary = link.parent / f".{CURRENT_LINK}.{version}"
    temporary.unlink(missing_ok=True)
    os.symlink(version, temporary)
    os.replace(temporary, link)


def _remove_old_versions(paths: PublicationPaths, keep: int) -> int:
    current = os.readlink(paths.parquet_current)
    older = [version for version in _versions(paths) if version < current]
    doomed = older[: max(len(older) - keep, 0)]
    for version in doomed:
        shutil.rmtree(paths.parquet_root / version, ignore_errors=True)
    return len(doomed)


def _fsync_tree(file: Path, directory: Path) -> None:
    for path in [file, *directory.iterdir()]:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = completed.stdout.strip()
    return commit if completed.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


def _scalar(connection: Any, sql: str) -> str | None:
    value = connection.execute(sql).fetchone()[0]
    if value is None:
        return None
    return _iso(value) if isinstance(value, datetime) else value.isoformat()


def _iso(value: datetime) -> str:
    return value.isoformat(sep=" ")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
