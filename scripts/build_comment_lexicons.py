"""Build seeds/comments/cx_sentiment_lexicon.csv from two pinned, permissively licensed lexicons
(`make lexicons`).

- VADER 3.3.2 (vaderSentiment, MIT licence, C.J. Hutto): vaderSentiment/vader_lexicon.txt, one
  line per term: term TAB mean valence (-4..4) TAB standard deviation TAB ratings. Its words
  become language `en`, its emoticons language `any`.
- textblob-fr 0.2.0 (PDDL, public domain; Tom De Smedt and Walter Daelemans, Pattern):
  textblob_fr/fr-sentiment.xml, one `<word form=.. polarity=-1..1 ...>` per French adjective
  (and a few adverbs, nouns, verbs and interjections). Polarity x 3.0 puts them on VADER's scale.

The wheels are downloaded with pip (never installed), checked against the SHA-256 pinned here,
and read straight from the zip files. Every term is folded the way the comment models fold text
(lower case, accents removed, typographic apostrophe, English n't -> " not") and kept only when
it is ONE token of the comment tokenizer: a word [a-z0-9]+ or an emoticon it extracts. Entries
of zero valence are dropped, and so are numbers (VADER's slang codes such as 143 or 187: in
comments they are amounts and durations); entries that fold to the same (language, term) are
averaged and rounded to 3 decimals. The script prints what it dropped and why.

Exit codes: 0 written; 1 a download failed or a wheel's hash is not the pinned one.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "seeds" / "comments" / "cx_sentiment_lexicon.csv"

EXIT_OK = 0
EXIT_BAD_WHEEL = 1

# textblob-fr's polarity (-1..1) times this is a valence on VADER's scale (-4..4).
FRENCH_POLARITY_TO_VALENCE = 3.0
DECIMALS = 3


@dataclass(frozen=True)
class Wheel:
    """A pinned wheel: what pip downloads, its expected hash, and the member to read."""

    requirement: str
    filename: str
    sha256: str
    member: str
    source: str


VADER = Wheel(
    requirement="vaderSentiment==3.3.2",
    filename="vaderSentiment-3.3.2-py2.py3-none-any.whl",
    sha256="3bf1d243b98b1afad575b9f22bc2cb1e212b94ff89ca74f8a23a588d024ea311",
    member="vaderSentiment/vader_lexicon.txt",
    source="vader-3.3.2",
)
TEXTBLOB_FR = Wheel(
    requirement="textblob-fr==0.2.0",
    filename="textblob_fr-0.2.0-py2.py3-none-any.whl",
    sha256="34a24bac930c12bd53d81df4a663143b13af884d836d8e061e3c77fdf3cd4461",
    member="textblob_fr/fr-sentiment.xml",
    source="textblob-fr-0.2.0",
)
WHEELS = (VADER, TEXTBLOB_FR)

# The comment tokenizer's emoticons and words (applied to folded text).
EMOTICON = re.compile(r"[:;=][-'^o]?[()\[\]dp/|*]|<3|</3")
WORD = re.compile(r"[a-z0-9]+")
COMBINING_MARKS = re.compile("[\u0300-\u036f]")
# VADER's number slang (143, 187, 86, ...) would score the amounts, durations and counts of comments.
NUMBER = "number (slang codes like 143 or 187 that would score amounts in comments)"
# Entries averaged with another one of the same folded (language, term): counted, not dropped.
MERGED = "merged with another entry of the same folded term"


class WheelError(Exception):
    """A wheel could not be downloaded, or its hash is not the pinned one."""


@dataclass(frozen=True)
class Entry:
    """One entry of a source lexicon, as read: its term, language and valence on VADER's scale."""

    term: str
    language: str
    valence: float
    source: str


def fold(text: str) -> str:
    """Fold text as the comment models do: lower case, no accents, typographic apostrophe, n't."""
    text = unicodedata.normalize("NFD", text.lower())
    text = COMBINING_MARKS.sub("", text)
    text = text.replace("œ", "oe").replace("æ", "ae").replace("\u2019", "'")
    return text.replace("n't", " not")


def drop_reason(folded: str) -> str | None:
    """Why a folded term is not kept: not one token of the tokenizer, or a number (None: kept)."""
    if folded.isdigit():
        return NUMBER
    if EMOTICON.fullmatch(folded) or WORD.fullmatch(folded):
        return None
    if any(character.isspace() for character in folded):
        return "several words"
    if "'" in folded:
        return "apostrophe (splits the word)"
    if "-" in folded:
        return "hyphen (splits the word)"
    return "symbols the tokenizer does not keep as one token (emoticon variants, j/k, h&k, ...)"


def download_wheels(folder: Path) -> None:
    """Download the pinned wheels into folder with pip, without dependencies or installing."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    command += [wheel.requirement for wheel in WHEELS] + ["-d", str(folder)]
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise WheelError(f"pip download failed (exit code {completed.returncode})")


def verified_wheel(folder: Path, wheel: Wheel) -> Path:
    """The wheel's path in folder, after checking its SHA-256 against the pinned one."""
    path = folder / wheel.filename
    if not path.is_file():
        raise WheelError(f"{wheel.filename} not found in {folder}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != wheel.sha256:
        raise WheelError(f"{wheel.filename}: SHA-256 {digest}, expected {wheel.sha256}")
    return path


def read_member(path: Path, member: str) -> str:
    """A text file of a wheel, read from the zip without installing it."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode("utf-8")


def vader_entries(text: str) -> Iterator[Entry]:
    """The entries of vader_lexicon.txt: term and mean valence (its emoticons become language any)."""
    for line in text.splitlines():
        if line.strip():
            term, valence = line.split("\t")[:2]
            yield Entry(term, "en", float(valence), VADER.source)


def textblob_fr_entries(text: str) -> Iterator[Entry]:
    """The entries of fr-sentiment.xml: form and polarity mapped to VADER's scale."""
    root = ElementTree.fromstring(text.encode("utf-8"))
    for word in root.iter("word"):
        valence = float(word.get("polarity", "0")) * FRENCH_POLARITY_TO_VALENCE
        yield Entry(word.get("form", ""), "fr", valence, TEXTBLOB_FR.source)


def lexicon_rows(entries: Iterable[Entry], dropped: Counter[tuple[str, str]]) -> list[dict[str, str]]:
    """Seed rows: the entries that are one token and carry a valence, averaged per (language, term).

    Each dropped entry is counted in `dropped` by (source, reason), and so is each entry averaged
    into another (reason MERGED).
    """
    valences: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for entry in entries:
        folded = fold(entry.term).strip()
        reason = "zero valence" if entry.valence == 0 else drop_reason(folded)
        if reason is not None:
            dropped[entry.source, reason] += 1
            continue
        language = "any" if EMOTICON.fullmatch(folded) else entry.language
        valences[language, folded, entry.source].append(entry.valence)
    rows = []
    for (language, term, source), values in sorted(valences.items()):
        dropped[source, MERGED] += len(values) - 1
        valence = round(sum(values) / len(values), DECIMALS)
        if valence == 0:
            dropped[source, "zero valence after averaging"] += 1
            continue
        rows.append({"language": language, "term": term, "valence": str(valence), "source": source})
    return rows


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the seed, sorted by language then term."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["language", "term", "valence", "source"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda row: (row["language"], row["term"], row["source"])))


def report(rows: list[dict[str, str]], dropped: Counter[tuple[str, str]]) -> str:
    """What was kept per language and source, and what was dropped and why."""
    kept = Counter((row["source"], row["language"]) for row in rows)
    lines = [f"kept {len(rows)} terms:"]
    lines += [f"  {source} {language}: {count}" for (source, language), count in sorted(kept.items())]
    merged = {source: count for (source, reason), count in dropped.items() if reason == MERGED and count}
    dropped = Counter({key: count for key, count in dropped.items() if key[1] != MERGED})
    lines.append(f"dropped {dropped.total()} entries:")
    lines += [f"  {source}: {count} {reason}" for (source, reason), count in sorted(dropped.items()) if count]
    lines.append(f"averaged {sum(merged.values())} entries into another of the same folded term:")
    lines += [f"  {source}: {count}" for source, count in sorted(merged.items())]
    return "\n".join(lines)


def build(wheel_dir: Path | None, out: Path) -> str:
    """Download (unless wheel_dir is given) and verify the wheels, write the seed, return the report."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = wheel_dir or Path(temporary)
        if wheel_dir is None:
            print(f"downloading {', '.join(wheel.requirement for wheel in WHEELS)} ...", flush=True)
            download_wheels(folder)
        paths = {wheel.source: verified_wheel(folder, wheel) for wheel in WHEELS}
        entries = list(vader_entries(read_member(paths[VADER.source], VADER.member)))
        entries += textblob_fr_entries(read_member(paths[TEXTBLOB_FR.source], TEXTBLOB_FR.member))
    dropped: Counter[tuple[str, str]] = Counter()
    rows = lexicon_rows(entries, dropped)
    write_rows(out, rows)
    return f"read {len(entries)} entries, wrote {out}\n" + report(rows, dropped)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_comment_lexicons.py",
        description=(
            "Write the sentiment lexicon seed of the comment models from VADER 3.3.2 (English words "
            "and emoticons) and textblob-fr 0.2.0 (French adjectives): the wheels are downloaded "
            "with pip, checked against pinned SHA-256 hashes and read without being installed."
        ),
        epilog="Exit codes: 0 written; 1 a download failed or a wheel's hash is not the pinned one.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="seed to write (default: seeds/comments/cx_sentiment_lexicon.csv of the repository)",
    )
    parser.add_argument(
        "--wheel-dir",
        type=Path,
        help="read the two wheels from this folder instead of downloading them (hashes still checked)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(build(args.wheel_dir, args.out))
    except WheelError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_WHEEL
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
