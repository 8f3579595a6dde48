"""Small randomised landing files that hit every validation and normalisation rule.

Independent of the project's generator: each value is drawn from explicit lists of valid
and invalid spellings, so a seed decides a dataset and every rule of the README is exercised
many times over (including resubmissions, ties and rows failing several rules).
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = [
    "response_id",
    "survey_id",
    "customer_id",
    "submitted_at",
    "channel",
    "region",
    "segment",
    "agent_id",
    "score",
    "comment",
]

VALID_SCORES = ["0", "1", "5", "6", "7", "8", "9", "10", "08", "010", "9.0", "10.00", " 7 ", "000", "\t9"]
INVALID_SCORES = ["11", "-1", "9.5", "abc", "10/10", "1e1", "NaN", "9.", "+9", "dix", "100", ".5", "1 0"]
MISSING_SCORES = ["", "   ", None]
CHANNELS = [
    "email",
    "E-Mail",
    "MAIL",
    "Courriel",
    "sms",
    "Text",
    "texto",
    "Téléphone",
    "TELEPHONE",
    "call",
    "IVR",
    "appel",
    "web",
    "Lien",
    "Site Web",
    "site_web",
    "ONLINE",
    "chat",
    "Live Chat",
    "webchat",
    "WhatsApp",
    "in-app",
    "In_App",
    "App",
    "mobile app",
    "Application",
    " e-mail ",
    "fax",
    "Kiosk",
    "QR code",
    "--",
    "",
    None,
]
REGIONS = ["IDF", "idf", " ara ", "PAC", "Bre", "OCC", "NAQ", "DOM", "", None, "hdf"]
SEGMENTS = ["consumer", "Consumer", " SMB ", "mid_market", "ENTERPRISE", "vip", "", None]
COMMENTS = [
    "Très bien, merci !",
    'Service "correct", sans plus',
    "Slow delivery,\nwrong item",
    "Parfait",
    "",
    None,
    'Agent was great; "10/10" would recommend',
    "Ligne 1\r\nLigne 2",
]
OFFSETS = ["Z", "+00:00", "+02:00", "-05:00", "+05:30", "-09:30", "+14:00", "-00:00", ""]
INVALID_TIMESTAMPS = [
    "",
    "yesterday",
    "2026-02-30T10:00:00Z",
    "2026-13-01 10:00",
    "2026-03-01T24:00:00Z",
    "2026-03-01T10:00:00+24:00",
    "2026-03-01T10:00:00.1234567Z",
    "2026/03/01 10:00",
    "2026-03-01",
    "01/03/2026 10:00",
    "2026-03-01t10:00:00z",
]


def _timestamp(rng: random.Random, base: datetime) -> str:
    moment = base + timedelta(seconds=rng.randrange(0, 40 * 86400))
    separator = rng.choice(["T", " "])
    shape = rng.randrange(3)
    if shape == 0:
        clock = moment.strftime("%H:%M")
    elif shape == 1:
        clock = moment.strftime("%H:%M:%S")
    else:
        clock = moment.strftime("%H:%M:%S") + "." + str(rng.randrange(10**6)).zfill(6)[: rng.randint(1, 6)]
    text = moment.strftime("%Y-%m-%d") + separator + clock + rng.choice(OFFSETS)
    return rng.choice(["", " ", "\t"]) + text if rng.random() < 0.05 else text


def messy_rows(rng: random.Random, count: int, id_pool: list[str]) -> list[dict[str, str | None]]:
    """``count`` rows; ids are drawn from ``id_pool`` often enough to create resubmissions."""
    base = datetime(2026, 2, 20)
    rows: list[dict[str, str | None]] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.75:
            score = rng.choice(VALID_SCORES)
        elif roll < 0.9:
            score = rng.choice(INVALID_SCORES)
        else:
            score = rng.choice(MISSING_SCORES)
        if rng.random() < 0.35 and id_pool:
            response_id = rng.choice(id_pool)
        else:
            response_id = f"R{rng.randrange(10**6):06d}"
            id_pool.append(response_id)
        if rng.random() < 0.04:
            response_id = rng.choice(["", "   ", None])
        elif rng.random() < 0.05:
            response_id = f" {response_id} "
        submitted_at = rng.choice(INVALID_TIMESTAMPS) if rng.random() < 0.08 else _timestamp(rng, base)
        rows.append(
            {
                "response_id": response_id,
                "survey_id": rng.choice(["S1", "S2", " S3 ", "", None]),
                "customer_id": rng.choice([f"C{rng.randrange(500)}", " C7 ", "", None]),
                "submitted_at": submitted_at,
                "channel": rng.choice(CHANNELS),
                "region": rng.choice(REGIONS),
                "segment": rng.choice(SEGMENTS),
                "agent_id": rng.choice([f"A{rng.randrange(40)}", "", None, " A1 "]),
                "score": score,
                "comment": rng.choice(COMMENTS),
            }
        )
    # exact ties: the same response at the same instant again, later in the batch
    for _ in range(max(1, count // 50)):
        rows.append(dict(rng.choice(rows)))
    return rows


def write_csv(path: Path, rows: list[dict[str, str | None]], extra_column: bool = False) -> None:
    columns = [*COLUMNS, "language"] if extra_column else COLUMNS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        # header in mixed case: columns match case-insensitively
        writer.writerow([name.upper() if name == "channel" else name for name in columns])
        for row in rows:
            values = ["" if row[name] is None else row[name] for name in COLUMNS]
            writer.writerow([*values, "fr"] if extra_column else values)


def write_parquet(path: Path, rows: list[dict[str, str | None]]) -> None:
    table = pa.table({name: pa.array([row[name] for row in rows], type=pa.string()) for name in COLUMNS})
    pq.write_table(table, path)


def write_messy_landing(directory: Path, seed: int, rows_per_file: int = 400, files: int = 3) -> Path:
    """A landing directory of ``files`` files (CSV, then Parquet every third file)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    id_pool: list[str] = []
    for index in range(files):
        rows = messy_rows(rng, rows_per_file, id_pool)
        if index % 3 == 2:
            write_parquet(directory / f"export_{index:02d}.parquet", rows)
        else:
            write_csv(directory / f"export_{index:02d}.csv", rows, extra_column=index % 2 == 1)
    return directory
