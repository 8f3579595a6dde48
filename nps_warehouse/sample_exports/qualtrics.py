"""Sample Qualtrics exports: the CSV of Qualtrics' "Download data" (responses).

The format, as Qualtrics documents it ("Understanding Your Dataset"): UTF-8 with a byte-order
mark, three header rows - the column ids (``StartDate``, ``RecordedDate``, ``ResponseId``, ``Q1``,
...), the question texts (which may span lines), and one ``{"ImportId": ...}`` JSON cell per
column whose ``timeZone`` names the zone of the dates - then one row per response. Dates are
``YYYY-MM-DD HH:MM:SS`` in that zone. ``Status`` says what a row is (``IP Address`` for a real
response, ``Survey Preview``, ``Survey Test``, ``Spam``, ... or their codes 0, 1, 2, 8 when
exported as numeric values), ``Finished`` whether the respondent finished (``True``/``False`` or
1/0). An NPS question adds ``Q1_NPS_GROUP`` (1 detractor, 2 passive, 3 promoter). Embedded data
fields (``region``, ``segment``, ``agent_id`` here) follow as columns of their own name.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import timedelta
from pathlib import Path

from nps_warehouse.sample_exports.common import Answer, nps_group

COLUMNS = (
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": None}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": None}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": None}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
    (
        "Q1",
        "How likely are you to recommend us to a friend or colleague?\n"
        "(0 = not at all likely, 10 = extremely likely)",
        {"ImportId": "QID1"},
    ),
    (
        "Q1_NPS_GROUP",
        "How likely are you to recommend us to a friend or colleague? - Group",
        {"ImportId": "QID1_NPS_GROUP"},
    ),
    ("Q2", "Overall, how satisfied are you with us? (1-5)", {"ImportId": "QID2"}),
    ("Q3", "What is the main reason for your score?", {"ImportId": "QID3_TEXT"}),
    ("region", "region", {"ImportId": "region"}),
    ("segment", "segment", {"ImportId": "segment"}),
    ("agent_id", "agent_id", {"ImportId": "agent_id"}),
)
STATUS_CODES = {"IP Address": "0", "Survey Preview": "1", "Survey Test": "2", "Spam": "8"}
CHANNELS = ("anonymous", "email", "sms")


def _import_id(template: dict[str, str | None], timezone: str) -> str:
    cell = {key: (timezone if value is None else value) for key, value in template.items()}
    return json.dumps(cell, separators=(",", ":"))


def write_qualtrics_export(
    path: Path,
    answers: list[Answer],
    *,
    timezone: str = "Europe/Paris",
    numeric_values: bool = False,
    messy: bool = True,
    seed: int = 1,
    id_prefix: str = "R_",
) -> Path:
    """Writes ``answers`` as a Qualtrics CSV export. With ``messy``, some rows are previews,
    tests or spam, some unfinished, some have no score, and a few NPS groups disagree with the
    score (the warehouse must recompute the category, never read the group)."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([name for name, _, _ in COLUMNS])
        writer.writerow([text for _, text, _ in COLUMNS])
        writer.writerow([_import_id(template, timezone) for _, _, template in COLUMNS])
        for answer in answers:
            status, finished, score, progress = "IP Address", True, answer.score, 100
            channel = answer.channel
            if messy:
                roll = rng.random()
                if roll < 0.03:
                    status, channel = "Survey Preview", "preview"
                elif roll < 0.04:
                    status = "Survey Test"
                elif roll < 0.05:
                    status = "Spam"
                elif roll < 0.10:
                    finished, progress = False, rng.choice((20, 45, 80))
                    score = score if rng.random() < 0.5 else None
                elif roll < 0.12:
                    score = None
            group = nps_group(score)
            if messy and group and rng.random() < 0.02:
                group = {"1": "3", "2": "1", "3": "1"}[group]
            duration = rng.randrange(30, 900)
            recorded = answer.local_time
            writer.writerow(
                [
                    (recorded - timedelta(seconds=duration)).strftime("%Y-%m-%d %H:%M:%S"),
                    recorded.strftime("%Y-%m-%d %H:%M:%S"),
                    STATUS_CODES[status] if numeric_values else status,
                    f"192.0.2.{answer.number % 250}",
                    str(progress),
                    str(duration),
                    ("1" if finished else "0") if numeric_values else ("True" if finished else "False"),
                    recorded.strftime("%Y-%m-%d %H:%M:%S"),
                    f"{id_prefix}{answer.number:015d}"[-17:],
                    "",
                    "",
                    "",
                    answer.customer if rng.random() < 0.95 else "",
                    "",
                    "",
                    channel,
                    answer.language.upper(),
                    "" if score is None else str(score),
                    group,
                    str(answer.csat),
                    answer.comment,
                    answer.region,
                    answer.segment,
                    answer.agent,
                ]
            )
    return path
