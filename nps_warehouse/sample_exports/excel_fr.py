"""Sample French Excel exports: a sheet saved by a French Excel as "CSV (séparateur :
point-virgule)" - ``;`` between fields, Windows-1252, CRLF line ends, dates ``dd/mm/yyyy
HH:MM`` (sometimes with seconds) in Paris time, a decimal comma (``9,0``), headers in French.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from nps_warehouse.sample_exports.common import Answer

HEADER = (
    "N° dossier",
    "Date",
    "Canal",
    "Région",
    "Segment",
    "Conseiller",
    "Note",
    "Commentaire",
    "Âge",
    "Satisfaction (1-5)",
)
CHANNELS = ("Téléphone", "Chat", "Courriel", "Appel")


def write_excel_fr_export(
    path: Path,
    answers: list[Answer],
    *,
    messy: bool = True,
    seed: int = 3,
    id_prefix: str = "CC-",
) -> Path:
    """Writes ``answers`` as a French Excel CSV. With ``messy``, scores are written ``9``,
    ``9,0`` or (invalid) ``8,5`` and ``9.0``, some dates have seconds, some rows are blank."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        for answer in answers:
            note = "" if answer.score is None else str(answer.score)
            stamp = answer.local_time.strftime("%d/%m/%Y %H:%M")
            if messy:
                roll = rng.random()
                if roll < 0.25 and note:
                    note += ",0"
                elif roll < 0.27 and note:
                    note = f"{min(answer.score or 0, 9)},5"
                elif roll < 0.28 and note:
                    note += ".0"
                if rng.random() < 0.3:
                    stamp = answer.local_time.strftime("%d/%m/%Y %H:%M:%S")
            writer.writerow(
                [
                    f"{id_prefix}{answer.number:06d}",
                    stamp,
                    answer.channel,
                    answer.region,
                    answer.segment.upper() if rng.random() < 0.2 else answer.segment,
                    answer.agent,
                    note,
                    answer.comment.replace("\n", " ") if rng.random() < 0.5 else answer.comment,
                    str(rng.randrange(18, 85)),
                    str(answer.csat),
                ]
            )
            if messy and rng.random() < 0.02:
                handle.write("\r\n")
    return path
