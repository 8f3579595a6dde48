"""Finding a feed's files, fingerprinting them, and checking a text export before it is read.

A file is named as DuckDB's ``glob()`` names it, since that spelling is the ``source_file`` of
every row (the oracle follows the same rule). Its identity over time is its content: a SHA-256
fingerprint of its bytes.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nps_warehouse.landing.config import Feed
from nps_warehouse.landing.errors import LandingError, LandingFileError

TEXT_EXTENSIONS = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
PARQUET_EXTENSIONS = (".parquet",)
#: What a folder named as a feed's path (or NPS_RAW_RESPONSES) stands for.
FOLDER_PATTERNS = ("*.csv", "*.csv.gz", "*.parquet")
_CHUNK = 1 << 20
_SNIFF_BYTES = 1 << 16
_DELIMITER_NAMES = {",": "`,`", ";": "`;`", "\t": "tab", "|": "`|`"}
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive, such as an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"PAR1", "a Parquet file"),
    (b"%PDF", "a PDF document"),
)


def quote_sql(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class LandingFile:
    """One file of a feed, as found now."""

    path: str
    size: int
    modified_ns: int

    @property
    def is_parquet(self) -> bool:
        return self.path.lower().endswith(PARQUET_EXTENSIONS)

    @property
    def is_compressed(self) -> bool:
        return self.path.lower().endswith(".gz")

    @property
    def is_tab_separated(self) -> bool:
        return self.path.lower().endswith((".tsv", ".tsv.gz"))


def resolve_feed_files(feed: Feed, connection: Any) -> list[LandingFile]:
    """The files a feed's path names (a file, a folder or a glob), sorted by name.

    The implicit feed of NPS_RAW_RESPONSES fails when nothing matches, as it always has; a feed
    of the landing config may match nothing yet (the caller warns). A matched file of another
    type than CSV, TSV or Parquet fails, naming it.
    """
    spec = feed.spec
    is_glob = any(character in spec for character in "*?[")
    if is_glob or connection.execute(f"select file from glob({quote_sql(spec)})").fetchall():
        patterns = [spec]
    else:
        folder = spec.rstrip("/")
        patterns = [f"{folder}/{pattern}" for pattern in FOLDER_PATTERNS]
    listing = " union ".join(f"select file from glob({quote_sql(pattern)})" for pattern in patterns)
    found = [row[0] for row in connection.execute(f"{listing} order by file").fetchall()]
    if not found and feed.is_default:
        raise LandingError(
            f"No landing file matches NPS_RAW_RESPONSES='{spec}' (expected a .csv, .csv.gz or "
            ".parquet file, a directory holding such files, or a glob)."
        )
    unsupported = [path for path in found if not path.lower().endswith(TEXT_EXTENSIONS + PARQUET_EXTENSIONS)]
    if unsupported:
        where = "" if feed.is_default else f" ({feed.describe()})"
        raise LandingFileError(
            f"Landing file {unsupported[0]}{where} is neither CSV (.csv, .csv.gz, .tsv, .tsv.gz) nor "
            "Parquet (.parquet): narrow the path to the exports, or convert the file."
        )
    files = []
    for path in found:
        status = os.stat(path)
        files.append(LandingFile(path, status.st_size, status.st_mtime_ns))
    return files


def fingerprint(path: str) -> str:
    """SHA-256 of the file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Text exports: encoding, emptiness, binary content, header rows, delimiter
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLayout:
    """What the header rows of a text export hold, and where DuckDB reads its rows from."""

    #: the header rows, each a list of fields; the first holds the column names
    header_records: tuple[tuple[str, ...], ...]
    #: the file DuckDB reads: the file itself (UTF-8), or its UTF-8 copy
    read_path: str
    delimiter: str

    @property
    def header(self) -> tuple[str, ...]:
        return self.header_records[0]


def _open_binary(path: str) -> io.BufferedIOBase:
    """A landing file's bytes, uncompressed when it is named .gz (the caller closes it)."""
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _open_text(path: str, encoding: str) -> io.TextIOBase:
    """A landing file as text, newlines kept for the csv module (the caller closes it)."""
    return io.TextIOWrapper(_open_binary(path), encoding=encoding, newline="")  # type: ignore[arg-type]


def _head_bytes(file: LandingFile, feed: Feed) -> bytes:
    try:
        with _open_binary(file.path) as handle:
            return handle.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise LandingFileError(
            f"{feed.describe()}: landing file {file.path} is named .gz but is not a gzip file it can "
            f"uncompress ({exc}): rename it without .gz if it is plain text, or compress it again."
        ) from exc


def feed_delimiter(feed: Feed, file: LandingFile) -> str:
    """The delimiter of a text file: the feed's (or its preset's), else tab for a .tsv file
    and "," for the others."""
    if feed.delimiter is not None:
        return feed.delimiter
    return "\t" if file.is_tab_separated else ","


def inspect_text_file(feed: Feed, file: LandingFile, scratch: Path) -> TextLayout:
    """Checks a CSV/TSV export before it is read and returns its header rows.

    Raises LandingFileError, naming the feed and the file, when the file is empty, binary, not
    in the feed's encoding (line and byte), has fewer rows than the feed's header rows, or when
    its header looks separated by another delimiter than the feed's. Exports in another encoding
    than UTF-8 are copied to UTF-8 under ``scratch`` for DuckDB to read.
    """
    head = _head_bytes(file, feed)
    where = f"{feed.describe()}: landing file {file.path}"
    if not head.lstrip(b"\xef\xbb\xbf").strip():
        raise LandingFileError(
            f"{where} is empty ({file.size} bytes, not even a header row). Export it again, or "
            "remove it from the landing folder."
        )
    if head.startswith(b"\x1f\x8b") and not file.is_compressed:
        raise LandingFileError(
            f"{where} is gzip-compressed: name it .csv.gz (or .tsv.gz) so it is uncompressed."
        )
    utf16_bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if feed.encoding != "utf-16":
        if utf16_bom:
            raise LandingFileError(
                f"{where} is UTF-16 (it starts with a UTF-16 byte-order mark) but the feed reads "
                f"{feed.encoding}: set `encoding: utf-16` for this feed."
            )
        if b"\x00" in head:
            kind = next(
                (label for signature, label in _BINARY_SIGNATURES if head.startswith(signature)),
                "binary data, not text",
            )
            raise LandingFileError(
                f"{where} is not a text export: it looks like {kind}. Export the survey as CSV "
                "(in Excel: File > Save As > CSV) and land that file instead."
            )
    elif not utf16_bom:
        raise LandingFileError(
            f"{where} has no UTF-16 byte-order mark although the feed reads utf-16: check the "
            "file's encoding (utf-8, cp1252 or latin-1?) and set `encoding:` to it."
        )
    delimiter = feed_delimiter(feed, file)
    if feed.encoding == "utf-8":
        read_path = file.path
        header_records = _header_records(_open_text(file.path, "utf-8-sig"), feed, file, delimiter)
    else:
        read_path = str(scratch / f"{hashlib.sha256(file.path.encode()).hexdigest()[:16]}.csv")
        _transcode_to_utf8(file, feed, read_path)
        with open(read_path, encoding="utf-8", newline="") as stream:
            header_records = _header_records(stream, feed, file, delimiter)
    return TextLayout(header_records=header_records, read_path=read_path, delimiter=delimiter)


def _header_records(
    stream: Any, feed: Feed, file: LandingFile, delimiter: str
) -> tuple[tuple[str, ...], ...]:
    """The first ``header_rows`` records of a text stream (blank lines skipped, as DuckDB
    does), checked for the feed's delimiter."""
    where = f"{feed.describe()}: landing file {file.path}"
    records: list[tuple[str, ...]] = []
    try:
        with stream:
            reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True)
            for record in reader:
                if not record:
                    continue
                records.append(tuple(record))
                if len(records) == feed.header_rows:
                    break
    except UnicodeDecodeError as exc:
        raise LandingFileError(encoding_message(where, feed, file)) from exc
    except csv.Error as exc:
        raise LandingFileError(f"{where}: its header rows cannot be read as CSV ({exc}).") from exc
    if not records:
        raise LandingFileError(
            f"{where} is empty ({file.size} bytes, not even a header row). Export it again, or "
            "remove it from the landing folder."
        )
    _check_delimiter(records[0], delimiter, feed, where)
    if len(records) < feed.header_rows:
        preset = f" (preset {feed.preset})" if feed.preset else ""
        raise LandingFileError(
            f"{where} has {len(records)} row(s) where the feed expects {feed.header_rows} header "
            f"rows before the data{preset}: check that this is the export the feed describes, or "
            "set `header_rows`."
        )
    return tuple(records)


def _check_delimiter(header: tuple[str, ...], delimiter: str, feed: Feed, where: str) -> None:
    """A header read as one column that another delimiter would split: the wrong delimiter."""
    if len(header) > 1:
        return
    line = header[0]
    counts = {candidate: line.count(candidate) for candidate in _DELIMITER_NAMES if candidate != delimiter}
    best = max(counts, key=lambda candidate: counts[candidate])
    if counts[best] == 0:
        return
    hint = f"set `delimiter: '{best}'`" if best != "\t" else 'set `delimiter: "\\t"`'
    if best == ";":
        hint += " or `preset: excel_fr`"
    raise LandingFileError(
        f"{where}: the header looks {_DELIMITER_NAMES[best]}-separated, not "
        f"{_DELIMITER_NAMES[delimiter]}-separated (the feed's delimiter): {hint} for this feed. "
        f"Header read: {line.strip()[:120]!r}."
    )


def _transcode_to_utf8(file: LandingFile, feed: Feed, target: str) -> None:
    """Writes a UTF-8 copy of a cp1252, latin-1 or utf-16 export, failing on a byte the
    encoding does not define, or on a cp1252 / latin-1 file that is in fact UTF-8."""
    where = f"{feed.describe()}: landing file {file.path}"
    utf8_check = codecs.getincrementaldecoder("utf-8")() if feed.encoding != "utf-16" else None
    utf8_valid, saw_non_ascii = True, False
    decoder = codecs.getincrementaldecoder(feed.encoding)()
    try:
        with _open_binary(file.path) as source, open(target, "w", encoding="utf-8", newline="") as out:
            while chunk := source.read(_CHUNK):
                if utf8_check is not None and utf8_valid:
                    try:
                        utf8_check.decode(chunk)
                        saw_non_ascii = saw_non_ascii or max(chunk) > 0x7F
                    except UnicodeDecodeError:
                        utf8_valid = False
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise LandingFileError(encoding_message(where, feed, file)) from exc
    if utf8_check is not None and utf8_valid and saw_non_ascii:
        raise LandingFileError(
            f"{where} is UTF-8 (its accented letters are UTF-8 byte pairs) but the feed reads "
            f"{feed.encoding}, which would garble them (é as Ã©): set `encoding: utf-8` for this "
            'feed (Excel\'s "CSV UTF-8" format).'
        )


def first_undecodable_byte(file: LandingFile, encoding: str) -> tuple[int, int, bytes] | None:
    """(line, byte offset, the byte) of the first byte ``encoding`` cannot decode, streaming the
    file; None when it decodes whole."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, lines = 0, 1
    with _open_binary(file.path) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                # the decoder may hold a few bytes of the previous chunk: locate exactly
                pending = len(exc.object) - len(chunk) if len(exc.object) > len(chunk) else 0
                position = offset - pending + exc.start
                lines += chunk[: max(exc.start - pending, 0)].count(b"\n")
                return lines, position, exc.object[exc.start : exc.start + 1]
            if not chunk:
                return None
            lines += chunk.count(b"\n")
            offset += len(chunk)


def encoding_message(where: str, feed: Feed, file: LandingFile) -> str:
    """What is wrong with a file's encoding, in the user's terms: the line and byte of the first
    character the feed's encoding cannot read, and the encoding to set."""
    located = first_undecodable_byte(file, feed.encoding)
    line, offset, bad = located if located else (0, 0, b"")
    if feed.encoding == "utf-8":
        fits_cp1252 = first_undecodable_byte(file, "cp1252") is None
        suggestion = (
            "`encoding: cp1252` (a CSV saved by Excel on Windows)" if fits_cp1252 else "`encoding: latin-1`"
        )
    elif feed.encoding == "cp1252":
        suggestion = "`encoding: latin-1`, or `encoding: utf-8` if the export is UTF-8"
    else:
        suggestion = "`encoding: utf-8` or `encoding: cp1252`"
    return (
        f"{where} is not {feed.encoding}: line {line}, byte {offset} (0x{bad.hex().upper()}) is not "
        f"a {feed.encoding} character. Set {suggestion} for this feed, or export the file as UTF-8."
    )


def physical_line_of_record(path: str, record: int, delimiter: str) -> int | None:
    """The line on which the ``record``-th record (1-based, blank lines skipped) of a UTF-8
    text file starts, for error messages; None if the file ends first."""
    try:
        with _open_text(path, "utf-8-sig") as stream:
            reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True)
            count = 0
            previous_line = 0
            for fields in _records_with_lines(reader):
                start_line, values = fields
                if not values:
                    continue
                count += 1
                if count == record:
                    return start_line
                previous_line = start_line
            return previous_line + 1 if count + 1 == record else None
    except (csv.Error, UnicodeDecodeError, OSError):
        return None


def _records_with_lines(reader: Any) -> Iterator[tuple[int, list[str]]]:
    previous = 0
    for values in reader:
        yield previous + 1, values
        previous = reader.line_num
