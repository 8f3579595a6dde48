"""The comment marts (README, "The comment marts"): ``fct_comment_insights``,
``fct_comment_themes`` and ``rpt_comment_keywords``."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

from nps_warehouse.oracle.comment_text import is_word
from nps_warehouse.oracle.comments import CommentReading, CommentSettings, read_comment
from nps_warehouse.oracle.lexicons import LANGUAGES, Lexicons
from nps_warehouse.oracle.responses import Response, trim

Row = tuple[Any, ...]

WORD = "word"
PHRASE = "phrase"


@dataclass(frozen=True, slots=True)
class ReadComment:
    """An accepted response with a non-empty comment, and what its comment says."""

    response: Response
    reading: CommentReading


def read_comments(
    responses: Iterable[Response], lexicons: Lexicons, settings: CommentSettings
) -> list[ReadComment]:
    """Every accepted response with a comment that is not blank (its masked comment read), by
    response_id."""
    read = [
        ReadComment(response, read_comment(response.comment, lexicons, settings))
        for response in responses
        if response.comment is not None and trim(response.comment) is not None
    ]
    return sorted(read, key=lambda comment: comment.response.response_id)


def fct_comment_insights(comments: Iterable[ReadComment]) -> list[Row]:
    return [
        (
            response.response_id,
            response.response_date,
            response.channel,
            response.survey_id,
            response.nps_score,
            response.nps_category,
            response.comment,
            reading.language,
            reading.word_count,
            reading.sentiment_words,
            reading.score,
            reading.sentiment,
        )
        for response, reading in ((comment.response, comment.reading) for comment in comments)
    ]


def fct_comment_themes(comments: Iterable[ReadComment]) -> list[Row]:
    rows = [
        (
            comment.response.response_id,
            theme,
            comment.response.response_date,
            comment.response.channel,
            comment.response.nps_category,
            comment.reading.language,
            found.matched_text,
            found.mentions,
            found.score,
            found.sentiment,
        )
        for comment in comments
        for theme, found in comment.reading.themes.items()
    ]
    return sorted(rows, key=lambda row: (row[0], row[1]))


# ------------------------------------------------------------------------------ keywords


def round4(value: float) -> Decimal:
    """``value`` rounded half away from zero to four decimals."""
    units = math.floor(abs(value) * 10000 + 0.5)
    return (Decimal(-units if value < 0 else units) / 10000).quantize(Decimal("0.0001"))


def comment_terms(reading: CommentReading, stop_words: frozenset[str]) -> list[tuple[str, str]]:
    """The (term type, term) occurrences of a comment: its words of two characters or more, not
    only digits, not a stop word; and the phrases of two such words in a row in one clause."""
    terms = []
    for clause in reading.clauses:
        kept = [
            token
            for token in clause.tokens
            if is_word(token) and len(token) >= 2 and not token.isdigit() and token not in stop_words
        ]
        terms += [(WORD, word) for word in kept]
        terms += [(PHRASE, f"{first} {second}") for first, second in pairwise(kept)]
    return terms


def log_odds(yi: int, y: int, ni: int, n: int) -> tuple[float, float] | None:
    """The weighted log-odds ratio of a term in a category against the rest of the month, with
    the month's counts as an informative Dirichlet prior, and its z-score (Monroe, Colaresi and
    Quinn, 2008); None when a denominator is zero."""
    yj, nj = y - yi, n - ni
    first, second = ni + n - yi - y, nj + n - yj - y
    if first == 0 or second == 0 or yi + y == 0 or yj + y == 0:
        return None
    ratio = math.log(float(yi + y) / float(first)) - math.log(float(yj + y) / float(second))
    return ratio, ratio / math.sqrt(1 / float(yi + y) + 1 / float(yj + y))


def rpt_comment_keywords(
    comments: Iterable[ReadComment], stop_words: Mapping[str, frozenset[str]], settings: CommentSettings
) -> list[Row]:
    """The words and phrases that set each NPS category apart from the rest of the month, per
    month and language (fr, en)."""
    excluded = frozenset().union(*(stop_words.get(language, frozenset()) for language in LANGUAGES))
    occurrences: Counter[tuple[date, str, str, str, str]] = Counter()
    commenters: dict[tuple[date, str, str, str, str], set[str]] = {}
    for comment in comments:
        response, reading = comment.response, comment.reading
        if reading.language not in LANGUAGES or response.nps_category is None:
            continue
        month = response.response_date.replace(day=1)
        for term_type, term in comment_terms(reading, excluded):
            key = (month, response.nps_category, reading.language, term_type, term)
            occurrences[key] += 1
            commenters.setdefault(key, set()).add(response.response_id)
    month_terms: Counter[tuple[date, str, str, str]] = Counter()
    category_totals: Counter[tuple[date, str, str, str]] = Counter()
    month_totals: Counter[tuple[date, str, str]] = Counter()
    for (month, category, language, term_type, term), count in occurrences.items():
        month_terms[(month, language, term_type, term)] += count
        category_totals[(month, category, language, term_type)] += count
        month_totals[(month, language, term_type)] += count
    ranked: dict[tuple[date, str, str, str], list[Row]] = {}
    for key, count in occurrences.items():
        month, category, language, term_type, term = key
        if count < settings.keyword_min_count:
            continue
        y = month_terms[(month, language, term_type, term)]
        ni = category_totals[(month, category, language, term_type)]
        n = month_totals[(month, language, term_type)]
        scores = log_odds(count, y, ni, n)
        if scores is None:
            continue
        ratio, z = scores
        ranked.setdefault((month, category, language, term_type), []).append(
            (term, count, len(commenters[key]), y, ni, n, ratio, z)
        )
    rows = []
    for (month, category, language, term_type), terms in ranked.items():
        terms.sort(key=lambda term: (-term[7], -term[1], term[0]))
        for rank, (term, count, comment_count, y, ni, n, ratio, z) in enumerate(terms, start=1):
            if rank > settings.keyword_top_n:
                break
            counts = (rank, count, comment_count, y, ni, n)
            rows.append((month, category, language, term_type, term, *counts, round4(ratio), round4(z)))
    return sorted(rows, key=lambda row: row[:5])
