"""Sample exports of real survey tools, written the way each tool documents its export format:
Qualtrics (``qualtrics``), Delighted (``delighted``) and a French Excel sheet saved as CSV
(``excel_fr``), one module each, from a shared stream of synthetic answers (``common``).

``write_examples`` writes the set committed in ``examples/landing/`` with its ``landing.yml``;
the tests write their own, messier, sets with other seeds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from nps_warehouse.sample_exports import delighted, excel_fr, qualtrics
from nps_warehouse.sample_exports.common import Answer, answers
from nps_warehouse.sample_exports.delighted import write_delighted_export
from nps_warehouse.sample_exports.excel_fr import write_excel_fr_export
from nps_warehouse.sample_exports.qualtrics import write_qualtrics_export

__all__ = [
    "Answer",
    "answers",
    "landing_config_text",
    "with_daylight_saving_edges",
    "write_delighted_export",
    "write_examples",
    "write_excel_fr_export",
    "write_qualtrics_export",
]

#: Local times that a daylight-saving change makes odd, per zone: (nonexistent, ambiguous).
DAYLIGHT_SAVING_EDGES = {
    "Europe/Paris": (datetime(2026, 3, 29, 2, 30, 15), datetime(2026, 10, 25, 2, 30, 45)),
    "America/New_York": (datetime(2026, 3, 8, 2, 30, 15), datetime(2026, 11, 1, 1, 30, 45)),
}


def with_daylight_saving_edges(drawn: list[Answer], zone: str, *, nonexistent: bool = True) -> list[Answer]:
    """``drawn`` with its last answer moved to the zone's ambiguous local time (the hour that
    happens twice in autumn) and, with ``nonexistent``, its first to the skipped hour of spring."""
    skipped, repeated = DAYLIGHT_SAVING_EDGES[zone]
    if len(drawn) < 2:
        return drawn
    moved = [replace(drawn[-1], local_time=repeated)]
    kept = drawn[:-1]
    if nonexistent:
        moved.append(replace(drawn[0], local_time=skipped))
        kept = kept[1:]
    return sorted([*moved, *kept], key=lambda answer: answer.local_time)


def landing_config_text() -> str:
    """The landing.yml of the examples: one feed per tool."""
    return """\
# The landing config of the examples: three tools' exports, one feed each.
# NPS_LANDING_CONFIG=examples/landing/landing.yml make build
feeds:
  # Qualtrics relationship survey: three header rows, dates in the zone the export names.
  - name: qualtrics_relationship
    source: responses
    path: exports/qualtrics/*.csv
    preset: qualtrics
    columns:
      score: Q1          # the NPS question
      comment: Q3        # the open question
    constants:
      survey_id: REL-2026

  # Delighted transactional survey after delivery: offsets in the timestamps.
  - name: delighted_delivery
    source: responses
    path: exports/delighted/
    preset: delighted
    columns:
      customer_id: Customer ID
      agent_id: null     # no agent in a delivery survey: null, without a warning
    constants:
      survey_id: TRX-DELIVERY

  # The call centre's own survey, kept in a French Excel sheet saved as CSV.
  - name: call_centre
    source: responses
    path: exports/call_centre/*.csv
    preset: excel_fr
    columns:
      response_id: N° dossier
      submitted_at: Date
      channel: Canal
      region: Région
      agent_id: Conseiller
      score: Note
      comment: Commentaire
      customer_id: null  # the sheet does not name the customer
    constants:
      survey_id: CC-2026
"""


def write_examples(directory: Path, seed: int = 2026) -> list[Path]:
    """The example exports and their landing.yml under ``directory``."""
    exports = directory / "exports"
    written = [
        write_qualtrics_export(
            exports / "qualtrics" / "relationship_2026-10.csv",
            with_daylight_saving_edges(
                answers(seed, 240, datetime(2026, 9, 1), 60, qualtrics.CHANNELS),
                "Europe/Paris",
                nonexistent=False,
            ),
            seed=seed,
        ),
        write_qualtrics_export(
            exports / "qualtrics" / "relationship_2026-11.csv",
            answers(seed + 1, 160, datetime(2026, 11, 1), 30, qualtrics.CHANNELS),
            numeric_values=True,
            seed=seed + 1,
            id_prefix="R_N",
        ),
        write_delighted_export(
            exports / "delighted" / "delighted_2026-11.csv",
            with_daylight_saving_edges(
                answers(seed + 2, 220, datetime(2026, 10, 1), 61, delighted.CHANNELS),
                "America/New_York",
                nonexistent=False,
            ),
            seed=seed + 2,
        ),
        write_excel_fr_export(
            exports / "call_centre" / "enquete_2026-10.csv",
            with_daylight_saving_edges(
                answers(seed + 3, 180, datetime(2026, 10, 1), 31, excel_fr.CHANNELS),
                "Europe/Paris",
                nonexistent=False,
            ),
            seed=seed + 3,
        ),
        write_excel_fr_export(
            exports / "call_centre" / "enquete_2026-11.csv",
            answers(seed + 4, 150, datetime(2026, 11, 1), 30, excel_fr.CHANNELS),
            seed=seed + 4,
            id_prefix="CC-B",
        ),
    ]
    config = directory / "landing.yml"
    config.write_text(landing_config_text(), encoding="utf-8")
    return [*written, config]
