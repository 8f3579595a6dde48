"""What the generator's command lines share: argument types, exit codes and progress on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

EXIT_OK = 0
EXIT_IO_ERROR = 1
EXIT_USAGE = 2
EXIT_OUTPUT_EXISTS = 3
EXIT_INTERRUPTED = 130


def integer(text: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def positive_int(text: str) -> int:
    value = integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within [0, 1], got {value}")
    return value


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def number_range(text: str) -> tuple[int, int]:
    low, sep, high = text.partition(":")
    try:
        if not sep:
            raise ValueError
        bounds = (int(low.replace("_", "")), int(high.replace("_", "")))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW:HIGH response numbers, got {text!r}") from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"expected 0 <= LOW <= HIGH, got {text!r}")
    return bounds


class Progress:
    """Prints progress to stderr at most every two seconds (so only on long runs)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.last = self.started

    def due(self) -> bool:
        now = time.monotonic()
        if not self.enabled or now - self.last < 2.0:
            return False
        self.last = now
        return True

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def rows(self, done: int, total: int, path: Path) -> None:
        if self.due():
            rate = done / max(self.elapsed(), 1e-9)
            print(
                f"  {done:,}/{total:,} rows ({100 * done / total:.0f}%, {rate:,.0f} rows/s) {path.name}",
                file=sys.stderr,
            )

    def source(self, source: str, done: int, total: int, path: Path) -> None:
        if self.due():
            print(f"  {source}: {done:,}/{total:,} ({100 * done / total:.0f}%) {path.name}", file=sys.stderr)
