"""The comment seeds (seeds/comments) are well formed: every term is one token of the comment
tokenizer, no grain is duplicated, every value is in its range or list, the theme patterns are
precise enough, stop words carry no sentiment, and scripts/build_comment_lexicons.py folds and
filters as the models read.

No network and no dbt: the seeds are read as CSV, and the lexicon script's functions are tried on
small inputs. The folding and the token pattern below are this test's own reference, written from
the contract the SQL follows (README, "What customers say"), not imported from the project.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "seeds" / "comments"
LEXICON_SCRIPT = REPO_ROOT / "scripts" / "build_comment_lexicons.py"

# --- the reference: how the models fold and cut a comment --------------------------------------

EMOTICON = r"[:;=][-'^o]?[()\[\]dp/|*]|<3|</3"
TOKEN = re.compile(rf"{EMOTICON}|[a-z0-9]+|[^\x00-\x7f]")
WORD = re.compile(r"[a-z0-9]+")
PREFIX = re.compile(r"[a-z0-9]{4,}\*")
# Code points that are never a meaningful token on their own: variation selectors, the
# zero-width joiner and the skin-tone modifiers.
NOT_ALONE = {"\ufe0e", "\ufe0f", "\u200d"} | {chr(code) for code in range(0x1F3FB, 0x1F400)}


def fold(text: str) -> str:
    """Lower case, accents removed (NFD, U+0300-U+036F dropped), oe/ae spelt out, typographic
    apostrophe straightened, English n't spelt " not"."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(character for character in text if not "\u0300" <= character <= "\u036f")
    text = text.replace("œ", "oe").replace("æ", "ae").replace("\u2019", "'")
    return text.replace("n't", " not")


def tokens(text: str) -> list[str]:
    """The tokens of a folded text, in order."""
    return TOKEN.findall(text)


def is_one_token(term: str) -> bool:
    """The term is already folded and the tokenizer reads it as exactly itself."""
    return fold(term) == term and tokens(term) == [term] and term not in NOT_ALONE


# --- the seeds ------------------------------------------------------------------------------------

LANGUAGES = ("fr", "en")
THEMES = (
    "wait_time",
    "staff_attitude",
    "resolution",
    "price",
    "billing",
    "product_quality",
    "delivery",
    "digital_experience",
    "communication",
)
MODIFIER_WEIGHTS = {"negation": -0.74, "booster": 0.293, "dampener": -0.293}
STOP_WORD_LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl")
LEXICON_SOURCES = {"vader-3.3.2": {"en", "any"}, "textblob-fr-0.2.0": {"fr"}}
SENTIMENT_OF_A_STOP_WORD = 1.5

# seed -> (columns, grain)
SEED_LAYOUT = {
    "cx_sentiment_lexicon": (("language", "term", "valence", "source"), ("language", "term")),
    "cx_sentiment_domain_terms": (("language", "term", "valence", "note"), ("language", "term")),
    "cx_sentiment_modifiers": (("language", "term", "kind", "weight"), ("language", "term")),
    "cx_stop_words": (("language", "term"), ("language", "term")),
    "cx_comment_themes": (("theme", "language", "pattern"), ("theme", "language", "pattern")),
    "cx_sentiment_phrases": (("language", "phrase", "valence", "note"), ("language", "phrase")),
}


@cache
def header(seed: str) -> tuple[str, ...]:
    with (SEEDS / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(next(csv.reader(handle)))


@cache
def rows(seed: str) -> tuple[dict[str, str], ...]:
    with (SEEDS / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def valences(seed: str) -> dict[tuple[str, str], float]:
    return {(row["language"], row["term"]): float(row["valence"]) for row in rows(seed)}


def effective_valences() -> dict[tuple[str, str], float]:
    """What the models read: the domain terms over the general lexicon."""
    return valences("cx_sentiment_lexicon") | valences("cx_sentiment_domain_terms")


def stop_words(language: str) -> set[str]:
    return {row["term"] for row in rows("cx_stop_words") if row["language"] == language}


def pattern_matches(pattern: str, words: list[str]) -> bool:
    """The pattern matches the words, one word per pattern token (prefix tokens end in *)."""
    pieces = pattern.split(" ")
    return len(pieces) == len(words) and all(
        word.startswith(piece[:-1]) if piece.endswith("*") else word == piece
        for piece, word in zip(pieces, words, strict=True)
    )


# --- the reference itself ---------------------------------------------------------------------------


def test_the_reference_folds_and_cuts_as_the_contract_says():
    assert fold("Déçue, ÇA marche pas… l\u2019attente ŒUVRE Æ") == "decue, ca marche pas… l'attente oeuvre ae"
    assert fold("I can't, won't, don't") == "i ca not, wo not, do not"
    assert tokens(fold("L'attente :-( 10 min :D <3 </3 mise à jour 👍\ufe0f")) == [
        "l",
        "attente",
        ":-(",
        "10",
        "min",
        ":d",
        "<3",
        "</3",
        "mise",
        "a",
        "jour",
        "👍",
        "\ufe0f",
    ]
    assert not is_one_token("file d'attente")
    assert not is_one_token("Décu")
    assert not is_one_token("\ufe0f")
    assert is_one_token(":'(")
    assert is_one_token("😡")


# --- every seed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEED_LAYOUT))
def test_seed_has_its_columns(seed):
    assert header(seed) == SEED_LAYOUT[seed][0]
    assert rows(seed), f"{seed} is empty"


@pytest.mark.parametrize("seed", sorted(SEED_LAYOUT))
def test_no_value_is_empty_or_padded(seed):
    problems = [
        (number, column, value)
        for number, row in enumerate(rows(seed), start=2)
        for column, value in row.items()
        if value is None or not value.strip() or value != value.strip()
    ]
    assert not problems, f"{seed}: empty or padded values (line, column, value): {problems[:20]}"


@pytest.mark.parametrize("seed", sorted(SEED_LAYOUT))
def test_grain_is_unique_and_rows_are_sorted(seed):
    grain = SEED_LAYOUT[seed][1]
    keys = [tuple(row[column] for column in grain) for row in rows(seed)]
    duplicated = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicated, f"{seed}: duplicated {grain}: {duplicated[:20]}"
    assert keys == sorted(keys), f"{seed}: rows not sorted by {grain} (stable diffs)"


@pytest.mark.parametrize(
    "seed", ["cx_sentiment_lexicon", "cx_sentiment_domain_terms", "cx_sentiment_modifiers", "cx_stop_words"]
)
def test_every_term_is_one_token(seed):
    bad = [(row["language"], row["term"]) for row in rows(seed) if not is_one_token(row["term"])]
    assert not bad, f"{seed}: terms that are not one folded token: {bad[:20]}"


# --- the sentiment lexicons ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["cx_sentiment_lexicon", "cx_sentiment_domain_terms"])
def test_valences_are_on_vaders_scale(seed):
    outside = [(key, value) for key, value in valences(seed).items() if not -4 <= value <= 4]
    assert not outside, f"{seed}: valences outside [-4, 4]: {outside[:20]}"


@pytest.mark.parametrize("seed", ["cx_sentiment_lexicon", "cx_sentiment_domain_terms"])
def test_words_are_french_or_english_and_the_rest_any(seed):
    """Words belong to fr or en; emoticons and emojis to any (read in every language)."""
    bad = [
        (row["language"], row["term"])
        for row in rows(seed)
        if row["language"] not in (*LANGUAGES, "any")
        or (row["language"] == "any") == bool(WORD.fullmatch(row["term"]))
    ]
    assert not bad, f"{seed}: words in any, or symbols in fr/en, or other languages: {bad[:20]}"


def test_the_general_lexicon_has_no_zero_and_names_its_source():
    rows_ = rows("cx_sentiment_lexicon")
    assert not [row["term"] for row in rows_ if float(row["valence"]) == 0]
    bad = [row for row in rows_ if row["language"] not in LEXICON_SOURCES.get(row["source"], ())]
    assert not bad, f"rows whose source is unknown or does not give their language: {bad[:20]}"
    assert not [row["term"] for row in rows_ if row["term"].isdigit()], "numbers score amounts"
    counts = Counter(row["language"] for row in rows_)
    assert counts["en"] > 5000 and counts["fr"] > 3000 and counts["any"] > 20, counts


def test_domain_terms_cover_both_languages_and_emojis():
    counts = Counter(row["language"] for row in rows("cx_sentiment_domain_terms"))
    assert 200 <= counts["fr"] <= 600, counts
    assert 200 <= counts["en"] <= 400, counts
    assert 40 <= counts["any"] <= 80, counts
    assert all(row["note"].strip() for row in rows("cx_sentiment_domain_terms"))


@pytest.mark.parametrize(
    ("language", "term", "sign"),
    [
        ("fr", "inadmissible", -1),  # textblob-fr scores it positive
        ("fr", "injoignable", -1),
        ("fr", "nickel", 1),
        ("fr", "rapide", 1),
        ("fr", "decue", -1),
        ("fr", "arnaque", -1),
        ("en", "unreachable", -1),
        ("en", "overcharged", -1),
        ("en", "helpful", 1),
        ("en", "joke", -1),  # VADER scores it positive
        ("any", "👍", 1),
        ("any", "😡", -1),
    ],
)
def test_customer_experience_words_have_the_sign_customers_mean(language, term, sign):
    valence = effective_valences()[(language, term)]
    assert valence * sign > 0, (language, term, valence)


@pytest.mark.parametrize(
    ("language", "term"),
    [("fr", "attente"), ("fr", "facture"), ("fr", "livraison"), ("en", "waiting"), ("en", "invoice")],
)
def test_topic_words_carry_no_sentiment(language, term):
    assert effective_valences().get((language, term), 0) == 0


# --- the phrases -------------------------------------------------------------------------------------


def test_phrases_are_two_to_four_folded_words_of_french_or_english():
    bad = [
        (row["language"], row["phrase"])
        for row in rows("cx_sentiment_phrases")
        if row["language"] not in LANGUAGES
        or not 2 <= len(tokens(fold(row["phrase"]))) <= 4
        or " ".join(tokens(fold(row["phrase"]))) != row["phrase"]
        or not -4 <= float(row["valence"]) <= 4
    ]
    assert not bad, (
        f"phrases that are not 2-4 folded words of fr or en (written as tokens), or off scale: {bad}"
    )


# --- the modifiers -----------------------------------------------------------------------------------


def test_modifiers_have_a_fixed_kind_weight_and_language():
    bad = [
        row
        for row in rows("cx_sentiment_modifiers")
        if row["language"] not in LANGUAGES
        or row["kind"] not in MODIFIER_WEIGHTS
        or float(row["weight"]) != MODIFIER_WEIGHTS[row["kind"]]
    ]
    assert not bad, f"modifiers with an unknown language or kind, or another weight: {bad[:20]}"
    kinds = Counter((row["language"], row["kind"]) for row in rows("cx_sentiment_modifiers"))
    assert all(kinds[(language, kind)] for language in LANGUAGES for kind in MODIFIER_WEIGHTS), kinds


# --- the stop words ----------------------------------------------------------------------------------


def test_stop_words_languages_and_sizes():
    counts = Counter(row["language"] for row in rows("cx_stop_words"))
    assert set(counts) == set(STOP_WORD_LANGUAGES), counts
    assert all(150 <= counts[language] <= 300 for language in LANGUAGES), counts
    assert all(40 <= counts[language] <= 60 for language in STOP_WORD_LANGUAGES[2:]), counts


@pytest.mark.parametrize("seed", ["cx_sentiment_lexicon", "cx_sentiment_domain_terms"])
def test_stop_words_carry_no_sentiment(seed):
    """No stop word is a word of the same language's lexicon with |valence| >= 1.5 (in the general
    lexicon, and as the models read it, domain terms first)."""
    read = valences(seed) if seed == "cx_sentiment_lexicon" else effective_valences()
    bad = [
        (row["language"], row["term"], read[(row["language"], row["term"])])
        for row in rows("cx_stop_words")
        if abs(read.get((row["language"], row["term"]), 0)) >= SENTIMENT_OF_A_STOP_WORD
    ]
    assert not bad, f"stop words with sentiment: {bad}"


@pytest.mark.parametrize("language", STOP_WORD_LANGUAGES[2:])
def test_short_lists_do_not_share_words_with_french_or_english(language):
    """They tell other languages apart: a word French or English also use would blur that."""
    shared = stop_words(language) & (stop_words("fr") | stop_words("en"))
    assert not shared, f"{language} stop words also French or English: {sorted(shared)}"


# --- the themes --------------------------------------------------------------------------------------


def test_themes_and_languages_are_the_fixed_ones_and_each_theme_has_both():
    found = Counter((row["theme"], row["language"]) for row in rows("cx_comment_themes"))
    assert {theme for theme, _ in found} == set(THEMES), found
    assert {language for _, language in found} == set(LANGUAGES), found
    missing = [
        (theme, language) for theme in THEMES for language in LANGUAGES if not found[(theme, language)]
    ]
    assert not missing, f"themes without patterns in a language: {missing}"
    few = {key: count for key, count in found.items() if not 40 <= count <= 90}
    assert not few, f"themes with fewer than 40 or more than 90 patterns in a language: {few}"


def test_patterns_are_one_to_three_words_with_precise_prefixes():
    """Patterns are matched on words only; a prefix keeps at least 4 characters before its *."""
    bad = []
    for row in rows("cx_comment_themes"):
        pieces = row["pattern"].split(" ")
        if not 1 <= len(pieces) <= 3 or not all(
            (WORD.fullmatch(piece) and is_one_token(piece)) or PREFIX.fullmatch(piece) for piece in pieces
        ):
            bad.append((row["theme"], row["language"], row["pattern"]))
    assert not bad, f"patterns not of 1-3 folded words or 4+ character prefixes: {bad}"


def test_no_pattern_is_a_lone_stop_word():
    bad = [
        (row["theme"], row["language"], row["pattern"])
        for row in rows("cx_comment_themes")
        if row["pattern"] in stop_words(row["language"])
    ]
    assert not bad, f"patterns that would match every comment: {bad}"


def test_a_pattern_belongs_to_one_theme():
    themes_of = Counter((row["language"], row["pattern"]) for row in rows("cx_comment_themes"))
    assert not [key for key, count in themes_of.items() if count > 1]


@pytest.mark.parametrize(
    ("theme", "language", "text"),
    [
        ("wait_time", "fr", "j'ai attendu 40 minutes en file d'attente"),
        ("wait_time", "en", "I was kept on hold for ages"),
        ("staff_attitude", "fr", "conseillère très aimable"),
        ("staff_attitude", "en", "the agent was rude"),
        ("resolution", "fr", "mon problème n'est toujours pas résolu"),
        ("resolution", "en", "nothing was resolved"),
        ("price", "fr", "les tarifs ont encore augmenté"),
        ("price", "en", "too expensive for what it is"),
        ("billing", "fr", "erreur sur ma facture"),
        ("billing", "en", "still waiting for my refund"),
        ("product_quality", "fr", "la box tombe en panne"),
        ("product_quality", "en", "the product is faulty"),
        ("delivery", "fr", "colis livré en retard"),
        ("delivery", "en", "the parcel never arrived"),
        ("digital_experience", "fr", "impossible de me connecter à l'appli"),
        ("digital_experience", "en", "the website keeps crashing"),
        ("communication", "fr", "on devait me rappeler, aucune nouvelle"),
        ("communication", "en", "nobody called back"),
    ],
)
def test_themes_find_typical_comments(theme, language, text):
    words = [token for token in tokens(fold(text)) if WORD.fullmatch(token)]
    patterns = [
        row["pattern"]
        for row in rows("cx_comment_themes")
        if row["theme"] == theme and row["language"] == language
    ]
    assert any(
        pattern_matches(pattern, words[start : start + len(pattern.split(" "))])
        for pattern in patterns
        for start in range(len(words))
    ), (theme, text)


# --- the lexicon script -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lexicon_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_comment_lexicons", LEXICON_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "text", ["Déçu", "Œuvre", "l\u2019attente", "Don't", "won't", "Ça", "ÉNERVÉ", ":-D", "😡"]
)
def test_the_script_folds_as_the_reference(lexicon_script, text):
    assert lexicon_script.fold(text) == fold(text)


@pytest.mark.parametrize(
    ("term", "kept"),
    [
        ("good", True),
        (":)", True),
        (":'(", True),
        ("<3", True),
        ("can't stand", False),
        ("kiss-off", False),
        ("l'horreur", False),
        ("j/k", False),
        ("8)", False),
        ("143", False),
    ],
)
def test_the_script_keeps_single_tokens_only(lexicon_script, term, kept):
    assert (lexicon_script.drop_reason(lexicon_script.fold(term)) is None) is kept


def test_the_script_maps_averages_and_drops(lexicon_script):
    vader = "\r\n".join(
        [
            "good\t1.9\t0.9\t[2, 2]",
            ":D\t2.3\t0.4\t[2]",
            ":d\t2.1\t0.4\t[2]",
            "meh\t0.0\t0.1\t[0]",
            "fed up\t-1.8\t1\t[-2]",
        ]
    )
    french = (
        '<sentiment language="fr"><word form="déçu" polarity="-1.00" />'
        '<word form="decu" polarity="-0.50" /><word form="bleu" polarity="0.00" />'
        '<word form="chef-d\'oeuvre" polarity="0.70" /></sentiment>'
    )
    entries = [*lexicon_script.vader_entries(vader), *lexicon_script.textblob_fr_entries(french)]
    dropped: Counter[tuple[str, str]] = Counter()
    produced = lexicon_script.lexicon_rows(entries, dropped)
    assert produced == [
        {"language": "any", "term": ":d", "valence": "2.2", "source": "vader-3.3.2"},
        {"language": "en", "term": "good", "valence": "1.9", "source": "vader-3.3.2"},
        {"language": "fr", "term": "decu", "valence": "-2.25", "source": "textblob-fr-0.2.0"},
    ]
    assert dropped[("vader-3.3.2", "zero valence")] == 1
    assert dropped[("vader-3.3.2", "several words")] == 1
    assert dropped[("textblob-fr-0.2.0", "zero valence")] == 1
    assert dropped[("textblob-fr-0.2.0", "apostrophe (splits the word)")] == 1


def test_the_script_refuses_a_wheel_whose_hash_is_not_pinned(lexicon_script, tmp_path):
    wheel = lexicon_script.VADER
    (tmp_path / wheel.filename).write_bytes(b"not the pinned wheel")
    with pytest.raises(lexicon_script.WheelError, match="SHA-256"):
        lexicon_script.verified_wheel(tmp_path, wheel)
