"""How a comment is read (README, "What customers say", "How a comment is read").

A comment (masked, see :mod:`.personal_data`) is folded, cut into clauses at sentence marks and
contrast words, and each clause into tokens (emoticons, words, emojis). Its language is the one
whose stop words it uses most; its sentiment sums the valences of its tokens in the lexicon of
that language and its phrases (boosters, dampeners and negations before its words, with the
weights of the seed ``cx_sentiment_modifiers``; contrasts weighing the clauses);
its themes are the patterns of the taxonomy found on consecutive words of a clause, each with
the sentiment of the clauses that mention it.

The text is cut by :mod:`.comment_text`; every word read is a row of a seed of
``seeds/comments`` (:mod:`.lexicons`); the constants here are those the README states (booster
decay, modifier window, normalisation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from nps_warehouse.oracle.comment_text import Clause, clauses, is_word
from nps_warehouse.oracle.lexicons import (
    LANGUAGES,
    OTHER_LANGUAGE,
    Lexicons,
    Modifier,
    ThemeTaxonomy,
)

#: A booster or dampener 1, 2 or 3 tokens before a sentiment word adds its weight times these.
BOOSTER_DECAY: tuple[Decimal, ...] = (Decimal("1"), Decimal("0.95"), Decimal("0.9"))
#: A sentiment word within this many tokens after a negation has its valence times the
#: negation's weight (the strongest one's, once).
NEGATION_WINDOW = len(BOOSTER_DECAY)
#: score = sum / sqrt(sum^2 + alpha).
NORMALISATION_ALPHA = 15.0

NEGATION_KIND = "negation"
SCALING_KINDS = frozenset({"booster", "dampener"})


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class CommentSettings:
    """The settings of the comment marts (the dbt vars of the same meaning)."""

    #: A score at or above it is positive (var cx_sentiment_positive_threshold).
    positive_threshold: Decimal = Decimal("0.05")
    #: A score at or below it is negative (var cx_sentiment_negative_threshold).
    negative_threshold: Decimal = Decimal("-0.05")
    #: Terms kept per month, category, language and term type (var cx_keyword_top_n).
    keyword_top_n: int = 30
    #: Occurrences a term needs to be kept (var cx_keyword_min_count).
    keyword_min_count: int = 3


def language_of(comment_clauses: Sequence[Clause], stop_words: Mapping[str, frozenset[str]]) -> str:
    """The language whose stop words the tokens use most (every token counting once for each
    language listing it): fr or en when it has strictly more than any other, else other."""
    hits = {language: 0 for language in stop_words}
    for clause in comment_clauses:
        for token in clause.tokens:
            for language, words in stop_words.items():
                if token in words:
                    hits[language] += 1
    ranked = sorted(hits.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return OTHER_LANGUAGE
    return ranked[0][0] if ranked[0][0] in LANGUAGES else OTHER_LANGUAGE


def clause_valence(
    clause_tokens: Sequence[str],
    valences: Mapping[str, Decimal],
    modifiers: Mapping[str, Modifier],
    phrases: Mapping[tuple[str, ...], Decimal] | None = None,
) -> tuple[Decimal, int]:
    """The sum of the clause's sentiment words (each after its modifiers) and their number.

    A phrase found on consecutive tokens weighs its own valence where it begins, and its tokens
    are read no more one by one (neither sentiment terms nor modifiers); a phrase of valence 0
    says nothing. Modifiers bear on words only: an emoji or emoticon keeps its own valence."""
    phrases = phrases or {}
    lengths = sorted({len(phrase) for phrase in phrases})
    covered: set[int] = set()
    sentiment: list[tuple[int, Decimal, bool]] = []  # (position, valence, is a word)
    for start in range(len(clause_tokens)):
        for length in lengths:
            valence = phrases.get(tuple(clause_tokens[start : start + length]))
            if valence is not None and start + length <= len(clause_tokens):
                covered.update(range(start, start + length))
                if valence != 0:
                    sentiment.append((start, valence, True))
    for position, token in enumerate(clause_tokens):
        if position not in covered and token in valences:
            sentiment.append((position, valences[token], is_word(token)))
    total = Decimal(0)
    for position, valence, word in sentiment:
        negations, boost = [], Decimal(0)
        for distance in range(1, NEGATION_WINDOW + 1):
            before = position - distance
            if before < 0 or not word:
                break
            modifier = None if before in covered else modifiers.get(clause_tokens[before])
            if modifier is None or modifier.weight is None:
                continue
            if modifier.kind == NEGATION_KIND:
                negations.append(modifier.weight)
            elif modifier.kind in SCALING_KINDS:
                boost += modifier.weight * BOOSTER_DECAY[distance - 1]
        adjusted = valence + boost if valence >= 0 else valence - boost
        total += adjusted * min(negations) if negations else adjusted
    return total, len(sentiment)


def sentiment_score(valence_sum: Decimal) -> Decimal:
    """``sum / sqrt(sum^2 + 15)`` in (-1, 1), rounded half away from zero to four decimals."""
    x = float(valence_sum)
    score = x / math.sqrt(x * x + NORMALISATION_ALPHA)
    units = math.floor(abs(score) * 10000 + 0.5)
    return (Decimal(-units if score < 0 else units) / 10000).quantize(Decimal("0.0001"))


def sentiment_label(score: Decimal, settings: CommentSettings) -> str:
    if score >= settings.positive_threshold:
        return "positive"
    if score <= settings.negative_threshold:
        return "negative"
    return "neutral"


@dataclass(frozen=True, slots=True)
class ThemeReading:
    """A theme a comment mentions."""

    matched_text: str
    mentions: int
    score: Decimal
    sentiment: str


@dataclass(frozen=True, slots=True)
class CommentReading:
    """What a comment says."""

    language: str
    word_count: int
    sentiment_words: int
    score: Decimal
    sentiment: str
    clauses: tuple[Clause, ...]
    themes: Mapping[str, ThemeReading]


def theme_mentions(
    comment_clauses: Sequence[Clause], taxonomy: ThemeTaxonomy
) -> set[tuple[str, int, int, str]]:
    """The distinct mentions (theme, clause number, first token number, matched text) of the
    taxonomy's patterns on consecutive words of one clause (numbers from 1)."""
    mentions = set()
    for clause_number, clause in enumerate(comment_clauses, start=1):
        words = clause.tokens
        word_flags = [is_word(token) for token in words]
        for start, first in enumerate(words):
            if not word_flags[start]:
                continue
            # the patterns whose first token this word matches: its own text, or one it begins with
            candidates = list(taxonomy.exact.get(first, ()))
            for length in range(1, len(first) + 1):
                candidates.extend(taxonomy.prefixed.get(first[:length], ()))
            for pattern in candidates:
                end = start + len(pattern.tokens)
                if end <= len(words) and all(
                    word_flags[position] and _matches(words[position], *pattern.tokens[position - start])
                    for position in range(start + 1, end)
                ):
                    mentions.add((pattern.theme, clause_number, start + 1, " ".join(words[start:end])))
    return mentions


def _matches(token: str, text: str, prefix: bool) -> bool:
    return token.startswith(text) if prefix else token == text


def read_comment(comment: str, lexicons: Lexicons, settings: CommentSettings | None = None) -> CommentReading:
    """Read a (masked) comment: its language, words, sentiment and themes."""
    settings = CommentSettings() if settings is None else settings
    comment_clauses = tuple(clauses(comment))
    language = language_of(comment_clauses, lexicons.stop_words)
    valences, modifiers = lexicons.valences[language], lexicons.modifiers[language]
    phrases = lexicons.phrases[language]
    sums, found = [], 0
    for clause in comment_clauses:
        clause_sum, clause_found = clause_valence(clause.tokens, valences, modifiers, phrases)
        sums.append(clause_sum)
        found += clause_found
    total = sum(
        (clause.weight * clause_sum for clause, clause_sum in zip(comment_clauses, sums, strict=True)),
        Decimal(0),
    )
    score = sentiment_score(total)
    by_theme: dict[str, list[tuple[int, int, str]]] = {}
    for theme, clause_number, token_number, text in theme_mentions(
        comment_clauses, lexicons.themes[language]
    ):
        by_theme.setdefault(theme, []).append((clause_number, token_number, text))
    themes = {}
    for theme, mentions in by_theme.items():
        theme_sum = sum((sums[number - 1] for number in {m[0] for m in mentions}), Decimal(0))
        theme_score = sentiment_score(theme_sum)
        themes[theme] = ThemeReading(
            min(mentions)[2], len(mentions), theme_score, sentiment_label(theme_score, settings)
        )
    return CommentReading(
        language=language,
        word_count=sum(1 for clause in comment_clauses for token in clause.tokens if is_word(token)),
        sentiment_words=found,
        score=score,
        sentiment=sentiment_label(score, settings),
        clauses=comment_clauses,
        themes=themes,
    )
