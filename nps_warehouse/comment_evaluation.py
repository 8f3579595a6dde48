"""How well the warehouse reads comments, measured on a labelled set (README, "What customers
say", "Quality, measured").

A labelled set (``tests/comment_evaluation/*.csv``: ``comment_id``, ``language``, ``comment``,
``sentiment``, ``themes``, ``pii``, ``keep``) is landed as a responses file of its own and
built by dbt into a scratch DuckDB file - the same models, seeds and macros as any build - and
what the marts say is compared with the labels: sentiment (3 classes) accuracy and macro-F1,
theme micro-F1 with each theme's precision and recall, language accuracy (on comments of three
words or more, and on all), personal-data recall per kind and the false positives (readable
numbers masked, comments without personal data masked).

The labels are never read by the models, and the evaluation set is never used to tune the
lexicons or the patterns: those are tuned on the development set.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
SETS_DIR = PROJECT_DIR / "tests" / "comment_evaluation"
SETS = {"evaluation": SETS_DIR / "evaluation_set.csv", "development": SETS_DIR / "development_set.csv"}
SENTIMENTS = ("positive", "neutral", "negative")
MASKS = {"email": "[email]", "phone": "[phone]", "iban": "[iban]", "card": "[card]"}
#: The bars of issue 12 (README): what `--check` and the test require.
BARS = {
    "sentiment_accuracy": 0.80,
    "theme_micro_f1": 0.80,
    "language_accuracy_3_words": 0.95,
    "pii_recall": 1.0,
    "keep_false_positive_rate": 0.0,
}
#: A word, for "comments of three words or more": a run of letters (any script) or digits.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Labelled:
    """One comment of a labelled set and its labels."""

    comment_id: str
    language: str
    comment: str
    sentiment: str
    themes: frozenset[str]
    pii: tuple[tuple[str, str], ...]  # (kind, text)
    keep: tuple[str, ...]

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.comment))


@dataclass(frozen=True)
class Read:
    """What the warehouse made of one comment."""

    comment_masked: str
    language: str
    sentiment: str
    sentiment_score: float
    themes: frozenset[str]


def load_set(path: Path) -> list[Labelled]:
    """The comments of a labelled set, checked: a malformed row is an error naming it."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                pii = tuple(
                    tuple(item.split(":", 1))  # type: ignore[misc]
                    for item in (row["pii"] or "").split("|")
                    if item
                )
                labelled = Labelled(
                    comment_id=row["comment_id"],
                    language=row["language"],
                    comment=row["comment"],
                    sentiment=row["sentiment"],
                    themes=frozenset(t for t in (row["themes"] or "").split(";") if t),
                    pii=pii,  # type: ignore[arg-type]
                    keep=tuple(item for item in (row["keep"] or "").split("|") if item),
                )
            except (KeyError, AttributeError) as exc:
                raise ValueError(f"{path}, line {line}: malformed row ({exc})") from exc
            if labelled.sentiment not in SENTIMENTS or any(kind not in MASKS for kind, _ in pii):
                raise ValueError(f"{path}, line {line}: unknown sentiment or personal-data kind")
            rows.append(labelled)
    return rows


def write_landing_file(comments: list[Labelled], path: Path) -> None:
    """The comments as a responses landing file. Every response is a passive (8) on the web on
    one day: nothing but the comment tells the models anything."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "submitted_at", "channel", "score", "comment"])
        for labelled in comments:
            writer.writerow([labelled.comment_id, "2026-10-15T10:00:00Z", "web", "8", labelled.comment])


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_and_read(comments: list[Labelled], work_dir: Path) -> dict[str, Read]:
    """Land the comments, build the comment marts with dbt into a scratch DuckDB file in
    ``work_dir``, and read what they say, by comment_id."""
    import duckdb
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    from nps_warehouse.landing import load_landing

    landing_file = work_dir / "comments.csv"
    database = work_dir / "comments.duckdb"
    write_landing_file(comments, landing_file)
    environment = {
        "NPS_DUCKDB_PATH": str(database),
        "NPS_RAW_RESPONSES": str(landing_file),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    with _environment(environment):
        load_landing(
            target="duckdb",
            use_config=False,
            spec=str(landing_file),
            duckdb_path=str(database),
            full_refresh=True,
            progress=lambda _line: None,
        )
        args = [
            "build",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target",
            "duckdb",
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            "--quiet",
            "--full-refresh",
            "--exclude-resource-type",
            "unit_test",
            "--select",
            "+fct_comment_themes",
            # only the tests of the models built (eager selection would add tests of marts
            # this build leaves out, such as the dimensions)
            "--indirect-selection",
            "cautious",
        ]
        try:
            result = dbtRunner().invoke(args)
        finally:
            environment_handle = DuckDBConnectionManager._ENV
            if environment_handle is not None:
                environment_handle.close()
            DuckDBConnectionManager.close_all_connections()
    if not result.success:
        raise RuntimeError(f"the dbt build of the comment marts failed: {result.exception or result.result}")
    with duckdb.connect(str(database), read_only=True) as connection:
        masked = dict(
            connection.execute("select response_id, comment from marts.fct_nps_responses").fetchall()
        )
        insights = {
            row[0]: row[1:]
            for row in connection.execute(
                "select response_id, comment_language, sentiment, sentiment_score"
                " from marts.fct_comment_insights"
            ).fetchall()
        }
        themes: dict[str, set[str]] = {}
        for response_id, theme in connection.execute(
            "select response_id, theme from marts.fct_comment_themes"
        ).fetchall():
            themes.setdefault(response_id, set()).add(theme)
    read = {}
    for labelled in comments:
        language, sentiment, score = insights.get(labelled.comment_id, ("other", "neutral", 0.0))
        read[labelled.comment_id] = Read(
            comment_masked=masked.get(labelled.comment_id) or "",
            language=language,
            sentiment=sentiment,
            sentiment_score=float(score),
            themes=frozenset(themes.get(labelled.comment_id, ())),
        )
    return read


@dataclass
class PrecisionRecall:
    """Counts of one class: true positives, false positives, false negatives."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """The measures of one labelled set."""

    comments: int
    sentiment_accuracy: float
    sentiment_macro_f1: float
    sentiment_confusion: Counter[tuple[str, str]]
    theme_micro: PrecisionRecall
    themes: dict[str, PrecisionRecall]
    language_accuracy_3_words: float
    language_comments_3_words: int
    language_accuracy: float
    pii_items: Counter[str]
    pii_found: Counter[str]
    keep_items: int
    keep_masked: list[str] = field(default_factory=list)
    comments_without_pii: int = 0
    comments_without_pii_masked: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def pii_recall(self) -> float:
        total = sum(self.pii_items.values())
        return sum(self.pii_found.values()) / total if total else 1.0

    @property
    def keep_false_positive_rate(self) -> float:
        return len(self.keep_masked) / self.keep_items if self.keep_items else 0.0

    @property
    def comment_false_positive_rate(self) -> float:
        return (
            len(self.comments_without_pii_masked) / self.comments_without_pii
            if self.comments_without_pii
            else 0.0
        )

    def measures(self) -> dict[str, float]:
        return {
            "sentiment_accuracy": self.sentiment_accuracy,
            "sentiment_macro_f1": self.sentiment_macro_f1,
            "theme_micro_f1": self.theme_micro.f1,
            "language_accuracy_3_words": self.language_accuracy_3_words,
            "language_accuracy": self.language_accuracy,
            "pii_recall": self.pii_recall,
            "keep_false_positive_rate": self.keep_false_positive_rate,
            "comment_false_positive_rate": self.comment_false_positive_rate,
        }

    def failed_bars(self) -> list[str]:
        """The bars of BARS this set misses, as sentences."""
        measures = self.measures()
        failed = []
        for name, bar in BARS.items():
            value = measures[name]
            missed = value > bar if name.endswith("false_positive_rate") else value < bar
            if missed:
                failed.append(
                    f"{name} is {value:.3f}; the bar is {'at most' if 'false' in name else 'at least'} {bar}"
                )
        return failed


def _masked_item(kind: str, text: str, comment_masked: str) -> bool:
    """A personal-data item is masked when its text is gone and its kind's mask is there."""
    return text not in comment_masked and MASKS[kind] in comment_masked


def evaluate(comments: list[Labelled], read: dict[str, Read]) -> Report:
    """Compare what the warehouse read with the labels."""
    confusion: Counter[tuple[str, str]] = Counter()
    themes = {theme: PrecisionRecall() for labelled in comments for theme in labelled.themes}
    micro = PrecisionRecall()
    language_right = language_right_3 = language_total_3 = 0
    pii_items: Counter[str] = Counter()
    pii_found: Counter[str] = Counter()
    keep_items = 0
    keep_masked: list[str] = []
    without_pii = 0
    without_pii_masked: list[str] = []
    errors: dict[str, list[str]] = {"sentiment": [], "themes": [], "language": [], "pii": []}
    for labelled in comments:
        got = read[labelled.comment_id]
        confusion[(labelled.sentiment, got.sentiment)] += 1
        if labelled.sentiment != got.sentiment:
            errors["sentiment"].append(
                f"{labelled.comment_id} {labelled.sentiment} -> {got.sentiment} ({got.sentiment_score}): "
                f"{labelled.comment}"
            )
        for theme in labelled.themes | got.themes:
            counts = themes.setdefault(theme, PrecisionRecall())
            if theme in labelled.themes and theme in got.themes:
                counts.true_positives += 1
                micro.true_positives += 1
            elif theme in got.themes:
                counts.false_positives += 1
                micro.false_positives += 1
            else:
                counts.false_negatives += 1
                micro.false_negatives += 1
        if labelled.themes != got.themes:
            errors["themes"].append(
                f"{labelled.comment_id} {sorted(labelled.themes)} -> {sorted(got.themes)}: {labelled.comment}"
            )
        right = labelled.language == got.language
        language_right += right
        if labelled.words >= 3:
            language_total_3 += 1
            language_right_3 += right
        if not right:
            errors["language"].append(
                f"{labelled.comment_id} {labelled.language} -> {got.language}: {labelled.comment}"
            )
        for kind, text in labelled.pii:
            pii_items[kind] += 1
            if _masked_item(kind, text, got.comment_masked):
                pii_found[kind] += 1
            else:
                errors["pii"].append(
                    f"{labelled.comment_id} {kind} {text!r} not masked: {got.comment_masked}"
                )
        for text in labelled.keep:
            keep_items += 1
            if text not in got.comment_masked:
                keep_masked.append(f"{labelled.comment_id} {text!r}: {got.comment_masked}")
        if not labelled.pii:
            without_pii += 1
            if any(mask in got.comment_masked for mask in MASKS.values()):
                without_pii_masked.append(f"{labelled.comment_id}: {got.comment_masked}")
    total = len(comments)
    per_class = {
        sentiment: PrecisionRecall(
            true_positives=confusion[(sentiment, sentiment)],
            false_positives=sum(confusion[(other, sentiment)] for other in SENTIMENTS if other != sentiment),
            false_negatives=sum(confusion[(sentiment, other)] for other in SENTIMENTS if other != sentiment),
        )
        for sentiment in SENTIMENTS
    }
    return Report(
        comments=total,
        sentiment_accuracy=sum(confusion[(s, s)] for s in SENTIMENTS) / total,
        sentiment_macro_f1=sum(counts.f1 for counts in per_class.values()) / len(SENTIMENTS),
        sentiment_confusion=confusion,
        theme_micro=micro,
        themes=dict(sorted(themes.items())),
        language_accuracy_3_words=language_right_3 / language_total_3 if language_total_3 else 1.0,
        language_comments_3_words=language_total_3,
        language_accuracy=language_right / total,
        pii_items=pii_items,
        pii_found=pii_found,
        keep_items=keep_items,
        keep_masked=keep_masked,
        comments_without_pii=without_pii,
        comments_without_pii_masked=without_pii_masked,
        errors=errors,
    )


def run(set_name: str, work_dir: Path | None = None) -> Report:
    """Build and measure the labelled set ``set_name`` (evaluation or development)."""
    comments = load_set(SETS[set_name])
    if work_dir is not None:
        return evaluate(comments, build_and_read(comments, work_dir))
    with tempfile.TemporaryDirectory(prefix="nps-comment-evaluation-") as scratch:
        return evaluate(comments, build_and_read(comments, Path(scratch)))


def markdown(report: Report, set_name: str) -> str:
    """The report as the README's tables."""
    m = report.measures()
    lines = [
        f"Labelled {set_name} set: {report.comments} comments.",
        "",
        "| measure | value | bar |",
        "| --- | ---: | ---: |",
        f"| sentiment accuracy (3 classes) | {m['sentiment_accuracy']:.3f} | "
        f">= {BARS['sentiment_accuracy']} |",
        f"| sentiment macro-F1 | {m['sentiment_macro_f1']:.3f} | |",
        f"| theme micro-F1 | {m['theme_micro_f1']:.3f} | >= {BARS['theme_micro_f1']} |",
        f"| language accuracy, comments of 3+ words ({report.language_comments_3_words}) | "
        f"{m['language_accuracy_3_words']:.3f} | >= {BARS['language_accuracy_3_words']} |",
        f"| language accuracy, all comments | {m['language_accuracy']:.3f} | |",
        f"| personal data recall ({sum(report.pii_items.values())} items) | {m['pii_recall']:.3f} | "
        f"{BARS['pii_recall']} |",
        f"| dates, amounts, order numbers masked ({report.keep_items} items) | "
        f"{m['keep_false_positive_rate']:.3f} | {BARS['keep_false_positive_rate']} |",
        f"| comments without personal data that got a mask ({report.comments_without_pii}) | "
        f"{m['comment_false_positive_rate']:.3f} | |",
        "",
        "| theme | precision | recall | F1 | labelled |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for theme, counts in report.themes.items():
        labelled = counts.true_positives + counts.false_negatives
        lines.append(
            f"| `{theme}` | {counts.precision:.3f} | {counts.recall:.3f} | {counts.f1:.3f} | {labelled} |"
        )
    lines += ["", "| personal data | items | masked |", "| --- | ---: | ---: |"]
    for kind in MASKS:
        lines.append(f"| {kind} | {report.pii_items[kind]} | {report.pii_found[kind]} |")
    lines += ["", "| labelled \\ read | " + " | ".join(SENTIMENTS) + " |", "| --- | ---: | ---: | ---: |"]
    for labelled in SENTIMENTS:
        cells = " | ".join(str(report.sentiment_confusion[(labelled, read)]) for read in SENTIMENTS)
        lines.append(f"| {labelled} | {cells} |")
    return "\n".join(lines)
