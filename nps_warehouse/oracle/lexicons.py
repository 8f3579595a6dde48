"""The words comments are read with: the seeds of ``seeds/comments`` (README, "What customers
say"), folded as comments are, by the language a comment reads (fr, en, other).

* ``cx_sentiment_lexicon`` under ``cx_sentiment_domain_terms`` (the project's vocabulary wins for
  the same language and term; a valence of 0 switches a term off); language ``any`` (emojis,
  emoticons) is read by every comment; ``other`` reads French and English together, a term in
  both at the mean of its two valences;
* ``cx_sentiment_phrases``: phrases of 2 to 4 tokens with their own valence;
* ``cx_sentiment_modifiers``: negations, boosters and dampeners with their weights;
* ``cx_stop_words``: the stop words of every language (they tell the languages apart);
* ``cx_comment_themes``: the taxonomy's patterns (``attend*`` matches every word it begins).

The seeds are read again whenever a file of the folder changes.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from nps_warehouse.oracle.comment_text import fold_term, tokens

#: The languages with lexicons, themes and keywords; every other comment is ``other``.
LANGUAGES: tuple[str, ...] = ("fr", "en")
OTHER_LANGUAGE = "other"
#: The lexicon rows every language reads (emojis, emoticons).
ANY_LANGUAGE = "any"


# ------------------------------------------------------------------------------ seeds


@dataclass(frozen=True, slots=True)
class Modifier:
    """A negation, booster or dampener; boosters and dampeners have a weight."""

    kind: str
    weight: Decimal | None


@dataclass(frozen=True, slots=True)
class ThemePattern:
    theme: str
    #: (token, matches every word it begins)
    tokens: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ThemeTaxonomy:
    """The theme patterns of a reading language, indexed by their first token (a comment's word
    is tried against the patterns it can begin, not against all of them)."""

    #: first token -> the patterns whose first word must equal it
    exact: Mapping[str, tuple[ThemePattern, ...]]
    #: first token -> the patterns whose first word must begin with it
    prefixed: Mapping[str, tuple[ThemePattern, ...]]

    @classmethod
    def of(cls, patterns: tuple[ThemePattern, ...]) -> ThemeTaxonomy:
        exact: dict[str, list[ThemePattern]] = {}
        prefixed: dict[str, list[ThemePattern]] = {}
        for pattern in patterns:
            text, prefix = pattern.tokens[0]
            (prefixed if prefix else exact).setdefault(text, []).append(pattern)
        return cls(
            {text: tuple(found) for text, found in exact.items()},
            {text: tuple(found) for text, found in prefixed.items()},
        )


@dataclass(frozen=True)
class Lexicons:
    """What comments are read with, by the language a comment reads (fr, en, other)."""

    #: reading language -> term -> valence
    valences: Mapping[str, Mapping[str, Decimal]]
    #: reading language -> term -> modifier
    modifiers: Mapping[str, Mapping[str, Modifier]]
    #: seed language (fr, en, es, ...) -> its stop words
    stop_words: Mapping[str, frozenset[str]]
    #: reading language -> the theme patterns it looks for
    themes: Mapping[str, ThemeTaxonomy]
    #: reading language -> sentiment phrase (its tokens) -> valence (0: it says nothing)
    phrases: Mapping[str, Mapping[tuple[str, ...], Decimal]]


def _seed_rows(folder: Path, name: str) -> list[dict[str, str | None]]:
    with open(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        return [{column: value or None for column, value in row.items()} for row in csv.DictReader(handle)]


def _language(value: str | None) -> str:
    return (value or "").strip(" \t\r\n").lower()


def _decimal(value: str | None) -> Decimal | None:
    """A seed number as numeric(6, 3) holds it."""
    if value is None or not value.strip():
        return None
    return Decimal(value.strip()).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _valences(folder: Path) -> dict[tuple[str, str], Decimal]:
    """(language, folded term) -> valence: the domain terms over the general lexicon; a valence
    of 0 switches a term off (no sentiment term)."""
    valences: dict[tuple[str, str], Decimal] = {}
    for seed in ("cx_sentiment_lexicon", "cx_sentiment_domain_terms"):  # the second wins
        for row in _seed_rows(folder, seed):
            valence = _decimal(row["valence"])
            if valence is not None and row["term"] is not None:
                valences[(_language(row["language"]), fold_term(row["term"]))] = valence
    return {key: valence for key, valence in valences.items() if valence != 0}


def _reading_valences(valences: dict[tuple[str, str], Decimal]) -> dict[str, dict[str, Decimal]]:
    """term -> valence for each reading language: fr and en read their own terms and those of
    every language (``any``: emojis, emoticons); other reads those and every fr or en term, at the
    mean of its two valences when in both."""
    by_language: dict[str, dict[str, Decimal]] = {}
    for (language, term), valence in valences.items():
        by_language.setdefault(language, {})[term] = valence
    common = by_language.get(ANY_LANGUAGE, {})
    french, english = by_language.get("fr", {}), by_language.get("en", {})
    merged: dict[str, Decimal] = {}
    for term in french.keys() | english.keys():
        if term in french and term in english:
            merged[term] = (french[term] + english[term]) * Decimal("0.5")
        else:
            merged[term] = french.get(term, english.get(term, Decimal(0)))
    return {"fr": {**common, **french}, "en": {**common, **english}, OTHER_LANGUAGE: {**common, **merged}}


def _reading_modifiers(folder: Path) -> dict[str, dict[str, Modifier]]:
    """term -> modifier for each reading language; other reads fr and en together (per term the
    first kind in alphabetical order and the largest weight)."""
    modifiers: dict[str, dict[str, Modifier]] = {language: {} for language in LANGUAGES}
    for row in _seed_rows(folder, "cx_sentiment_modifiers"):
        language = _language(row["language"])
        if row["term"] is not None and language in modifiers:
            kind = _language(row["kind"])
            modifiers[language][fold_term(row["term"])] = Modifier(kind, _decimal(row["weight"]))
    both: dict[str, Modifier] = {}
    for language in LANGUAGES:
        for term, modifier in modifiers[language].items():
            known = both.get(term)
            if known is None:
                both[term] = modifier
                continue
            weights = [weight for weight in (known.weight, modifier.weight) if weight is not None]
            both[term] = Modifier(min(known.kind, modifier.kind), max(weights) if weights else None)
    return {**modifiers, OTHER_LANGUAGE: both}


def _phrases(folder: Path) -> dict[str, dict[tuple[str, ...], Decimal]]:
    """phrase tokens -> valence for each reading language: other reads the French and English
    phrases together (a phrase in both at the mean of its two valences)."""
    by_language: dict[str, dict[tuple[str, ...], Decimal]] = {language: {} for language in LANGUAGES}
    if (folder / "cx_sentiment_phrases.csv").exists():
        for row in _seed_rows(folder, "cx_sentiment_phrases"):
            language, valence = _language(row["language"]), _decimal(row["valence"])
            if row["phrase"] is not None and valence is not None and language in by_language:
                by_language[language][tuple(tokens(fold_term(row["phrase"])))] = valence
    french, english = by_language["fr"], by_language["en"]
    both = {
        phrase: (french[phrase] + english[phrase]) * Decimal("0.5")
        if phrase in french and phrase in english
        else french.get(phrase, english.get(phrase, Decimal(0)))
        for phrase in french.keys() | english.keys()
    }
    return {**by_language, OTHER_LANGUAGE: both}


def _stop_words(folder: Path) -> dict[str, frozenset[str]]:
    words: dict[str, set[str]] = {}
    for row in _seed_rows(folder, "cx_stop_words"):
        if row["term"] is not None:
            words.setdefault(_language(row["language"]), set()).add(fold_term(row["term"]))
    return {language: frozenset(terms) for language, terms in words.items()}


def _themes(folder: Path) -> dict[str, ThemeTaxonomy]:
    patterns: dict[str, dict[ThemePattern, None]] = {language: {} for language in LANGUAGES}
    for row in _seed_rows(folder, "cx_comment_themes"):
        language = _language(row["language"])
        if row["pattern"] is None or row["theme"] is None or language not in patterns:
            continue
        pieces = [piece for piece in fold_term(row["pattern"]).split(" ") if piece]
        pattern_tokens = tuple((piece.removesuffix("*"), piece.endswith("*")) for piece in pieces)
        if pattern_tokens:
            patterns[language][ThemePattern(_language(row["theme"]), pattern_tokens)] = None
    by_language = {language: tuple(found) for language, found in patterns.items()}
    by_language[OTHER_LANGUAGE] = tuple(dict.fromkeys(p for ps in by_language.values() for p in ps))
    return {language: ThemeTaxonomy.of(found) for language, found in by_language.items()}


def load_lexicons(seeds_dir: str | Path) -> Lexicons:
    """The comment seeds of ``seeds_dir``/comments, read now (they may change between calls)."""
    folder = Path(seeds_dir) / "comments"
    stamps = tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(folder.glob("*.csv"))
    )
    return _load_lexicons(str(folder), stamps)


@cache
def _load_lexicons(folder_name: str, stamps: tuple[tuple[str, int, int], ...]) -> Lexicons:
    folder = Path(folder_name)
    return Lexicons(
        valences=_reading_valences(_valences(folder)),
        modifiers=_reading_modifiers(folder),
        stop_words=_stop_words(folder),
        themes=_themes(folder),
        phrases=_phrases(folder),
    )
