"""Writers: tables of string columns to CSV (plain or gzip) and Parquet, atomically.

CSV is RFC 4180 with minimal quoting (a field is quoted only when it holds a comma, a double
quote, CR or LF), LF line ends, UTF-8, a header row; Parquet has all ``string`` columns with empty
fields written as null.  A file is written under a temporary name and renamed when complete, so a
reader never sees half a file, and gzip output carries no timestamp, so the bytes are the same on
every run.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FORMATS: tuple[str, ...] = ("csv", "csv.gz", "parquet", "mixed")

_SPECIAL_BYTES = np.zeros(256, dtype=bool)
_SPECIAL_BYTES[[ord(","), ord('"'), ord("\r"), ord("\n")]] = True
_SPECIAL = (b",", b'"', b"\r", b"\n")


class OutputExistsError(FileExistsError):
    """The output directory already holds files of this prefix (pass overwrite=True)."""


def _needs_quotes(col: pa.StringArray) -> np.ndarray | None:
    """Rows whose value holds a comma, a double quote, CR or LF (None when there are none)."""
    _, offsets_buffer, data_buffer = col.buffers()
    if data_buffer is None:
        return None
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=len(col) + 1, offset=4 * col.offset)
    # Most columns hold none of these bytes: a byte search (memchr) over the column says so fast.
    chunk = memoryview(data_buffer)[int(offsets[0]) : int(offsets[-1])].tobytes()
    if not any(c in chunk for c in _SPECIAL):
        return None
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


def write_lines(sink: BinaryIO, lines: pa.Array) -> None:
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


def header_line(names: Sequence[str]) -> bytes:
    return (",".join(names) + "\n").encode("utf-8")


def write_csv(path: str | os.PathLike[str], table: pa.Table) -> None:
    """Write a table of string columns as CSV (header row, minimal RFC 4180 quoting, LF, UTF-8)."""
    with open(path, "wb") as sink:
        sink.write(header_line(table.column_names))
        write_lines(sink, csv_lines(table))


def parquet_table(table: pa.Table) -> pa.Table:
    """Empty fields are written as nulls in Parquet."""
    null = pa.scalar(None, pa.string())
    return pa.table(
        [pc.if_else(pc.equal(col, ""), null, col) for col in table.columns], names=table.column_names
    )


def output_file_names(files: int, fmt: str, prefix: str) -> list[str]:
    """Names of ``files`` files of a prefix (zero-padded so that they sort in order); ``mixed``
    alternates CSV and Parquet, starting with CSV."""
    width = max(4, len(str(files)))
    names = []
    for k in range(files):
        ext = ("csv" if k % 2 == 0 else "parquet") if fmt == "mixed" else fmt
        names.append(f"{prefix}_{k + 1:0{width}d}.{ext}")
    return names


def existing_outputs(out_dir: Path, prefix: str) -> list[Path]:
    """Files of out_dir that output_file_names could have written for this prefix."""
    pattern = re.compile(rf"{re.escape(prefix)}_\d+\.(csv|csv\.gz|parquet)")
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if pattern.fullmatch(p.name))


def prepare_output(out_dir: Path, prefix: str, overwrite: bool) -> None:
    """Create out_dir; delete this prefix's files when overwrite, else refuse if there are any."""
    existing = existing_outputs(out_dir, prefix)
    if existing and not overwrite:
        raise OutputExistsError(
            f"{out_dir} already holds {len(existing)} file(s) named {prefix}_*; use overwrite"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in existing:
        path.unlink()


def check_prefix(prefix: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", prefix):
        raise ValueError(f"prefix must be letters, digits, '_', '-' or '.', got {prefix!r}")


class TableFileWriter:
    """Writes tables of string columns, chunk after chunk, to one file (format from its name:
    ``.csv``, ``.csv.gz`` or ``.parquet``) under a temporary name, renamed on a clean exit."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path = path
        self.columns = tuple(columns)
        self.rows = 0
        self._tmp = path.with_name(f".{path.name}.tmp")
        self._raw: BinaryIO = open(self._tmp, "wb")  # noqa: SIM115 (closed in close/abort)
        self._parquet: pq.ParquetWriter | None = None
        self._sink: BinaryIO = self._raw
        try:
            if path.name.endswith(".parquet"):
                schema = pa.schema([(name, pa.string()) for name in self.columns])
                self._parquet = pq.ParquetWriter(self._raw, schema)
            else:
                if path.name.endswith(".gz"):
                    self._sink = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
                self._sink.write(header_line(self.columns))
        except BaseException:
            self.abort()
            raise

    def write(self, table: pa.Table) -> None:
        if table.column_names != list(self.columns):
            raise ValueError(f"columns {table.column_names} differ from {list(self.columns)}")
        if self._parquet is not None:
            self._parquet.write_table(parquet_table(table))
        else:
            write_lines(self._sink, csv_lines(table))
        self.rows += table.num_rows

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif self._sink is not self._raw:
            self._sink.close()
        self._raw.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        try:
            self._raw.close()
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableFileWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
