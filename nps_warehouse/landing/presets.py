"""Presets: the settings of the exports of common survey tools, so that a feed of such an export
needs only its name, path and the column of the NPS question.

Each preset is a set of defaults; a feed's own keys override them. The README (section Landing
config, Presets) describes the export format each one assumes and where that format is
documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Preset:
    name: str
    #: Feed settings (delimiter, encoding, header_rows, decimal_mark, timestamp_formats, timezone)
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: contract column -> the tool's header for it; an export without one of them is not an
    #: error (the column is missing, with a warning), unless the contract requires it
    columns: Mapping[str, str] = field(default_factory=dict)
    #: naive timestamps are in the zone the export's ImportId header row names
    timezone_from_export: bool = False


PRESETS: dict[str, Preset] = {
    # Qualtrics "Download data" as CSV: three header rows (column ids, question texts, ImportId
    # JSON with the timeZone of the dates); dates "YYYY-MM-DD HH:MM:SS" in that zone; Status and
    # Finished mark previews, tests, spam and partial responses. The NPS question's column (Q1,
    # ...) is the user's to map: columns: {score: Q1}.
    "qualtrics": Preset(
        name="qualtrics",
        settings={"header_rows": 3, "delimiter": ",", "encoding": "utf-8"},
        columns={
            "response_id": "ResponseId",
            "submitted_at": "RecordedDate",
            "channel": "DistributionChannel",
            "language": "UserLanguage",
            "customer_id": "ExternalReference",
            "response_type": "Status",
            "finished": "Finished",
        },
        timezone_from_export=True,
    ),
    # Delighted's CSV export of responses: one header row with title-case names, timestamps
    # "YYYY-MM-DD HH:MM:SS -0500" (local time and its offset), the channel in the person
    # property "Delighted Source".
    "delighted": Preset(
        name="delighted",
        settings={"header_rows": 1, "delimiter": ",", "encoding": "utf-8"},
        columns={
            "response_id": "Response ID",
            "submitted_at": "Created At",
            "score": "Score",
            "comment": "Comment",
            "channel": "Delighted Source",
        },
    ),
    # A CSV saved by Excel in French: ";" between fields, Windows-1252, dates dd/mm/yyyy HH:MM
    # (seconds optional) in Paris time, a decimal comma (9,0).
    "excel_fr": Preset(
        name="excel_fr",
        settings={
            "header_rows": 1,
            "delimiter": ";",
            "encoding": "cp1252",
            "decimal_mark": ",",
            "timestamp_formats": ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"),
            "timezone": "Europe/Paris",
        },
    ),
}
