"""The errors of the oracle: landing files it cannot read, and landing configs it refuses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class LandingError(ValueError):
    """The landing spec matches no file, or a landing file breaks the contract."""


class LandingConfigError(LandingError):
    """The landing config breaks the README's rules (an unknown key, preset, zone, ...)."""


class MissingColumnsError(LandingError):
    """A landing file lacks a required column (or a header its feed maps a column to)."""

    def __init__(
        self,
        path: str,
        missing: Iterable[str],
        *,
        feed_name: str | None = None,
        headers: Iterable[str] = (),
        looked_for: Mapping[str, str] | None = None,
    ) -> None:
        self.path = path
        self.missing = tuple(missing)
        self.feed_name = feed_name
        self.headers = tuple(headers)
        feed = f"feed {feed_name!r}: " if feed_name else ""
        looked_for = looked_for or {}
        described = [
            f"{column} (header {looked_for[column]!r})"
            if looked_for.get(column, column) != column
            else column
            for column in self.missing
        ]
        message = f"{feed}landing file {path!r} lacks required column(s): {', '.join(described)}"
        if self.headers:
            message += f" (its headers: {', '.join(self.headers)})"
        super().__init__(message)
