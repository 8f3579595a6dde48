"""Personal data in comments (README, "What customers say", "Personal data").

No mart publishes a comment as written: e-mail addresses, IBANs, payment-card numbers that pass
the Luhn check and phone numbers become ``[email]``, ``[iban]``, ``[card]`` and ``[phone]``, in
that order. Dates, times, amounts, order and ticket numbers and scores have none of those shapes
and stay readable.
"""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"
IBAN_MASK = "[iban]"
CARD_MASK = "[card]"
PHONE_MASK = "[phone]"
#: Every mask, in the order they are applied.
MASKS: tuple[str, ...] = (EMAIL_MASK, IBAN_MASK, CARD_MASK, PHONE_MASK)

#: ``name@domain.tld``: dots, ``+``, ``-``, ``_`` and ``%`` in the name; sub-domains.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
#: Two capital letters, two check digits, 3 to 7 groups of 4 letters or digits (spaced or not),
#: an optional last group of 1 to 3.
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}(?: ?[A-Za-z0-9]{4}){3,7}(?: ?[A-Za-z0-9]{1,3})?")
#: A card candidate: 13 to 19 digits, spaces or hyphens between them, with no digit or ``+``
#: just before and no digit just after. The characters around it are looked at, not taken, so
#: that of two numbers one space apart the second is a candidate too (README: "with no digit or
#: `+` just before").
_CARD = re.compile(r"(?<![0-9+])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
#: A comment is checked for this many card candidates.
MAX_CARDS = 4
#: The last group of a candidate: digits after a space or hyphen ("4012 8888 8888 1881 12", a
#: card number followed by its expiry month).
_LAST_GROUP = re.compile(r"[ -]([0-9]+)\Z")
#: A card number has at least this many digits.
MIN_CARD_DIGITS = 13
#: Phone numbers (README, "Personal data"), in the order the README lists them:
#: - international: ``+`` or ``00`` and 7 to 15 digits, spaces, dots or hyphens between them
#:   (``+33 6 12 34 56 78``, ``+44 20 7946 0958``, ``0033 6 12 34 56 78``), also with ``(0)``
#:   after the country code of 1 to 3 digits (``+44 (0)20 7946 0958``; the 0 not counted);
#: - French ``0X XX XX XX XX`` with one separator throughout: spaces, dots, hyphens or none (so
#:   ``03.12.2025 14`` is a date and an hour);
#: - British-style national numbers in groups: a code of 3 to 5 digits from 0, a space, then 6
#:   to 8 digits in one group or two of 3 or 4 (``020 7946 0958``, ``07700 900123``);
#: - North-American ``(415) 555-2671``, ``415-555-2671``, ``415.555.2671``.
_INTERNATIONAL = r"(?:[+]|00 ?)[1-9](?:[ .-]?[0-9]){6,14}"
_INTERNATIONAL_WITH_ZERO = (
    r"(?:[+]|00 ?)(?:"
    # a country code of 1, 2 or 3 digits, then the rest of the 7 to 15 digits
    r"[1-9] ?[(]0[)] ?[0-9](?:[ .-]?[0-9]){5,13}"
    r"|[1-9][0-9] ?[(]0[)] ?[0-9](?:[ .-]?[0-9]){4,12}"
    r"|[1-9][0-9]{2} ?[(]0[)] ?[0-9](?:[ .-]?[0-9]){3,11})"
)
_FRENCH = r"0[1-9](?:(?: [0-9]{2}){4}|(?:[.][0-9]{2}){4}|(?:-[0-9]{2}){4}|[0-9]{8})"
_BRITISH = r"0[1-9][0-9]{1,3} (?:[0-9]{6,8}|[0-9]{3,4} [0-9]{3,4})"
_NORTH_AMERICAN = r"(?:[(][0-9]{3}[)] ?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}"
_PHONE_NUMBER = "|".join((_INTERNATIONAL_WITH_ZERO, _INTERNATIONAL, _FRENCH, _BRITISH, _NORTH_AMERICAN))
#: A phone number (group 2) with no digit on either side. ``\Z``: the end of the text only (``$``
#: would also match before a final line break).
_PHONE = re.compile(rf"(^|[^0-9])({_PHONE_NUMBER})([^0-9]|\Z)")


def passes_luhn(candidate: str) -> bool:
    """True when the digits of ``candidate`` pass the Luhn check: from the right, every second
    digit doubled (less 9 above 9), the sum a multiple of 10."""
    digits = [int(character) for character in candidate if character in "0123456789"]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return bool(digits) and total % 10 == 0


def card_candidates(text: str) -> list[str]:
    """The first :data:`MAX_CARDS` card candidates of ``text``, in order (non-overlapping)."""
    return [match.group(0) for match in _CARD.finditer(text)][:MAX_CARDS]


def card_number(candidate: str) -> str | None:
    """The card number a candidate holds: the candidate when it passes the Luhn check, else its
    part before its last group when that has 13 digits or more and passes; None otherwise."""
    if passes_luhn(candidate):
        return candidate
    last_group = _LAST_GROUP.search(candidate)
    if last_group is None:
        return None
    trimmed = candidate[: last_group.start()]
    if sum(character.isdigit() for character in trimmed) >= MIN_CARD_DIGITS and passes_luhn(trimmed):
        return trimmed
    return None


def mask_personal_data(text: str | None) -> str | None:
    """``text`` with its personal data masked (None stays None).

    E-mails first, then IBANs (an IBAN holds digit runs the card and phone patterns would take);
    then the card number of each of the first four card candidates of what is left
    (:func:`card_number`), replaced wherever it occurs; then phone numbers, twice (a match takes
    the character after it, so of two numbers one character apart the first pass masks only the
    first).
    """
    if text is None:
        return None
    masked = _IBAN.sub(IBAN_MASK, _EMAIL.sub(EMAIL_MASK, text))
    for candidate in card_candidates(masked):
        number = card_number(candidate)
        if number is not None:
            masked = masked.replace(number, CARD_MASK)
    for _ in range(2):
        masked = _PHONE.sub(rf"\g<1>{PHONE_MASK}\g<3>", masked)
    return masked
