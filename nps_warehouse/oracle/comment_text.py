"""How a comment is cut (README, "What customers say", "How a comment is read", steps 1 to 3).

A comment (masked, see :mod:`.personal_data`) is folded - masks dropped, accents removed, lower
case, ligatures spelt out, ``n't`` spelt `` not``, line breaks made sentence ends - then cut into
clauses at sentence marks and contrast words (the clause before one weighs 0.5, the clause after
it 1.5), and each clause into tokens: emoticons, words of letters and digits, emojis. The seeds'
terms are folded the same way (:func:`fold_term`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from nps_warehouse.oracle.personal_data import MASKS

#: The words that turn a sentence: the clause before one weighs 0.5, the clause after it 1.5.
CONTRAST_WORDS: Mapping[str, tuple[str, ...]] = {
    "fr": ("mais", "cependant", "pourtant", "toutefois", "neanmoins", "revanche", "contre"),
    "en": ("but", "however", "although", "nevertheless", "whereas"),
}
BEFORE_CONTRAST = Decimal("0.5")
AFTER_CONTRAST = Decimal("1.5")

_CONTRAST = "|".join(dict.fromkeys(word for words in CONTRAST_WORDS.values() for word in words))
_CONTRAST_AFTER_SPACES = re.compile(rf"[ ,]+((?:{_CONTRAST})(?:[^a-z0-9]|\Z))")
_CONTRAST_AT_START = re.compile(rf"^((?:{_CONTRAST})(?:[^a-z0-9]|\Z))")
_EMOTICON = r"[;:=][-^o]?[()dp/|*]|</?3"
_CLAUSE = re.compile(rf"[}}]?(?:{_EMOTICON}|[^.!?;,{{}}])+[{{]?")
_TOKEN = re.compile(rf"{_EMOTICON}|[a-z0-9]+|[^ -~]")
_WORD = re.compile(r"[a-z0-9]+")

#: Characters folded into others: braces (they mark contrasts), line breaks (sentence ends),
#: tabs (spaces); emoji variation selectors and the zero-width joiner dropped.
_TRANSLATION = str.maketrans(
    {"{": "(", "}": ")", "\n": ".", "\r": ".", "\t": " ", "\v": " ", "\f": " "}
    | dict.fromkeys(("\ufe0e", "\ufe0f", "\u200d"))
)
_SPELT_OUT = (("œ", "oe"), ("æ", "ae"), ("Œ", "oe"), ("Æ", "ae"), ("\u2019", "'"), ("n't", " not"))


# ------------------------------------------------------------------------------ text


def strip_accents(text: str) -> str:
    """``text`` without combining accents (U+0300 to U+036F after canonical decomposition)."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(character for character in decomposed if not "\u0300" <= character <= "\u036f")
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    """``text`` folded for reading: masks dropped, accents removed, lower case, ligatures spelt
    out, typographic apostrophe straightened, English ``n't`` spelt `` not``, line breaks made
    sentence ends, tabs spaces, braces parentheses, emoji variation selectors dropped."""
    for mask in MASKS:
        text = text.replace(mask, " ")
    text = strip_accents(text).lower()
    for written, spelt in _SPELT_OUT:
        text = text.replace(written, spelt)
    return text.translate(_TRANSLATION)


def fold_term(term: str) -> str:
    """A seed's term folded as comments are, without leading or trailing spaces."""
    return fold(term).strip(" ")


def mark_contrasts(folded: str) -> str:
    """``folded`` with the marks ``{}`` before each contrast word, in place of the spaces and
    commas before it (they end nothing): the clause before it then ends with ``{``, the clause
    after it begins with ``}`` and the contrast word, which still counts as a word."""
    marked = _CONTRAST_AFTER_SPACES.sub(r"{}\1", folded)
    return _CONTRAST_AT_START.sub(r"{}\1", marked)


@dataclass(frozen=True, slots=True)
class Clause:
    """A clause of a comment: its weight (0.5 before a contrast word, 1.5 after one, else 1)
    and its tokens, in order."""

    weight: Decimal
    tokens: tuple[str, ...]


def tokens(text: str) -> list[str]:
    """The tokens of a folded text, in order: emoticons, words of letters and digits, and single
    characters outside printable ASCII (emojis)."""
    return _TOKEN.findall(text)


def is_word(token: str) -> bool:
    return _WORD.fullmatch(token) is not None


def clauses(comment: str) -> list[Clause]:
    """The clauses of a (masked) comment, in order."""
    found = []
    for clause in _CLAUSE.findall(mark_contrasts(fold(comment))):
        if clause.endswith("{"):
            weight = BEFORE_CONTRAST
        elif clause.startswith("}"):
            weight = AFTER_CONTRAST
        else:
            weight = Decimal(1)
        found.append(Clause(weight, tuple(tokens(clause.replace("{", "").replace("}", "")))))
    return found
