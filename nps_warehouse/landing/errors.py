"""The errors of landing: each names the feed and the file, and says what to do."""

from __future__ import annotations


class LandingError(RuntimeError):
    """A landing file or the landing config cannot be loaded as it is; nothing of the load was
    written, so the raw tables and the marts are those of the last good load."""


class LandingConfigError(LandingError):
    """The landing config (landing.yml) is wrong: an unknown key or preset, a mapping to a
    column the export lacks, two feeds matching one file, ..."""


class LandingFileError(LandingError):
    """A landing file cannot be read under its feed's settings (empty, binary, wrong delimiter or
    encoding, a malformed row), or changed since it was loaded."""
