"""Unit tests of the oracle's comment analytics (README, "What customers say") on hand-worked
examples. They read the real seeds of ``seeds/comments`` and assert only what the README
promises (masks, signs of sentiment, languages, clauses, themes, the keyword and driver
formulas), never a valence that tuning the lexicons may change."""

from __future__ import annotations

import csv
import math
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from nps_warehouse.contract import MART_COLUMNS, MART_SCHEMAS
from nps_warehouse.oracle import (
    CommentSettings,
    compute_marts,
    load_lexicons,
    mask_personal_data,
    read_comment,
)
from nps_warehouse.oracle.comment_marts import comment_terms, log_odds, round4
from nps_warehouse.oracle.comment_text import (
    AFTER_CONTRAST,
    BEFORE_CONTRAST,
    Clause,
    clauses,
    fold,
)
from nps_warehouse.oracle.comments import sentiment_score, theme_mentions
from nps_warehouse.oracle.lexicons import Lexicons, ThemePattern, ThemeTaxonomy
from nps_warehouse.oracle.personal_data import card_candidates, passes_luhn

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def lexicons() -> Lexicons:
    return load_lexicons(SEEDS)


def sentiment(text: str, lexicons: Lexicons) -> Decimal:
    return read_comment(text, lexicons).score


# ------------------------------------------------------------------------ personal data


@pytest.mark.parametrize(
    "phone",
    [
        "+33 6 12 34 56 78",
        "+33612345678",
        "+44 20 7946 0958",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "0033 6 12 34 56 78",
        "0033612345678",
        "+44 (0)20 7946 0958",
        "+33 (0)6 12 34 56 78",
        "020 7946 0958",
        "07700 900123",
        "(415) 555-2671",
        "415-555-2671",
        "415.555.2671",
    ],
)
def test_every_phone_form_of_the_readme_is_masked(phone: str) -> None:
    assert mask_personal_data(f"Rappelez-moi au {phone} svp") == "Rappelez-moi au [phone] svp"
    assert mask_personal_data(phone) == "[phone]"


def test_two_phone_numbers_one_character_apart_are_both_masked() -> None:
    assert mask_personal_data("0612345678/0698765432") == "[phone]/[phone]"


@pytest.mark.parametrize(
    "email",
    ["jean.dupont@example.fr", "jean.dupont+nps@mail.example.co.uk", "a_b%c-d@sub-domain.example.com"],
)
def test_emails_are_masked(email: str) -> None:
    assert mask_personal_data(f"écrivez à {email}, merci") == "écrivez à [email], merci"


@pytest.mark.parametrize(
    "iban",
    ["FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", "DE89 3704 0044 0532 0130 00"],
)
def test_ibans_are_masked(iban: str) -> None:
    assert mask_personal_data(f"remboursez sur {iban} svp") == "remboursez sur [iban] svp"


@pytest.mark.parametrize(
    "card", ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "4012888888881881"]
)
def test_card_numbers_passing_luhn_are_masked(card: str) -> None:
    assert passes_luhn(card)
    assert (
        mask_personal_data(f"débité sur la carte {card} deux fois") == "débité sur la carte [card] deux fois"
    )


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "1234 5678 9012 3456", "1234567890123456"])
def test_digit_runs_failing_luhn_stay(number: str) -> None:
    assert not passes_luhn(number)
    text = f"colis numéro {number} introuvable"
    assert mask_personal_data(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("carte 4012 8888 8888 1881 12/27 cvv", "carte [card] 12/27 cvv"),
        ("carte 4111-1111-1111-1111-0825", "carte [card]-0825"),
        # 12 digits before the last group: too few for a card number
        ("ref 1234 5678 9012 34", "ref 1234 5678 9012 34"),
        # the whole run passes: the whole run is masked
        ("carte 4111 1111 1111 1111 and more", "carte [card] and more"),
    ],
)
def test_a_card_number_followed_by_other_digits_is_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_a_card_is_masked_wherever_it_occurs_and_four_are_checked() -> None:
    # one space apart: the second has no digit just before it either
    assert mask_personal_data("cartes 4111111111111111 5555555555554444") == "cartes [card] [card]"
    assert mask_personal_data("4111111111111111 puis 4111111111111111") == "[card] puis [card]"
    cards = "4111111111111111 5555555555554444 378282246310005 4012888888881881"
    assert card_candidates(cards) == cards.split()
    assert mask_personal_data(cards) == "[card] [card] [card] [card]"


@pytest.mark.parametrize(
    "text",
    [
        "commande du 12/03/2025 livrée le 2025-03-12 à 14:30 (14h30)",
        "rendez-vous le 03.12.2025 14 h, rappel le 03-12-2025",
        "payé 49,99 € puis 1 250 € et 1250.00 EUR",
        "commande CMD-2025-004512, ticket #A12345, réf. 2025004512",
        "note 10/10, je recommande à 100 %",
        "Top",
    ],
)
def test_dates_amounts_order_numbers_and_scores_stay_readable(text: str) -> None:
    assert mask_personal_data(text) == text


def test_masks_apply_in_order_email_iban_card_phone() -> None:
    text = "jean@example.fr FR7630006000011234567890189, 4111 1111 1111 1111, 06 12 34 56 78"
    assert mask_personal_data(text) == "[email] [iban], [card], [phone]"
    assert mask_personal_data(None) is None


def test_published_comment_is_masked_and_the_audit_keeps_it_raw(tmp_path: Path) -> None:
    raw = "Appelez-moi au 06 12 34 56 78 ou jean@example.fr"
    marts = _marts(tmp_path, [_row("r1", "2", raw)])
    (published,) = marts["fct_nps_responses"]
    assert (
        published[MART_COLUMNS["fct_nps_responses"].index("comment")] == "Appelez-moi au [phone] ou [email]"
    )
    (audit,) = marts["rpt_response_audit"]
    assert audit[MART_COLUMNS["rpt_response_audit"].index("raw_comment")] == raw
    (insight,) = _dicts(marts, "fct_comment_insights")
    assert insight["comment_masked"] == "Appelez-moi au [phone] ou [email]"


# ------------------------------------------------------------------------ reading


def test_folding() -> None:
    assert fold("Très DÉÇU par l\u2019Œuvre") == "tres decu par l'oeuvre"
    assert fold("I don't know") == "i do not know"
    assert fold("a\nb\tc [email] d") == "a.b c   d"
    assert fold("❤️") == "❤"


def test_clauses_cut_at_sentence_marks_and_line_breaks() -> None:
    found = clauses("Livraison rapide! Produit conforme; emballage abîmé,\nsinon rien")
    assert [clause.tokens for clause in found] == [
        ("livraison", "rapide"),
        ("produit", "conforme"),
        ("emballage", "abime"),
        ("sinon", "rien"),
    ]
    assert {clause.weight for clause in found} == {Decimal(1)}


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        (
            "Conseiller aimable mais attente interminable",
            ("conseiller", "aimable"),
            ("mais", "attente", "interminable"),
        ),
        (
            "Friendly staff, however the wait was long",
            ("friendly", "staff"),
            ("however", "the", "wait", "was", "long"),
        ),
        ("Good product but late", ("good", "product"), ("but", "late")),
    ],
)
def test_a_contrast_word_opens_the_clause_after_it_weighing_one_and_a_half(
    text: str, before: tuple[str, ...], after: tuple[str, ...]
) -> None:
    assert clauses(text) == [Clause(BEFORE_CONTRAST, before), Clause(AFTER_CONTRAST, after)]


def test_a_contrast_word_inside_another_word_is_no_contrast() -> None:
    assert clauses("jamais butoir") == [Clause(Decimal(1), ("jamais", "butoir"))]
    assert clauses("Mais rien") == [Clause(AFTER_CONTRAST, ("mais", "rien"))]


def test_tokens_emoticons_words_and_emojis() -> None:
    (clause,) = clauses("Super :-) 👍🏼 <3 top10")
    assert clause.tokens == ("super", ":-)", "👍", "🏼", "<3", "top10")


def test_negation_turns_the_sentiment(lexicons: Lexicons) -> None:
    assert sentiment("Je suis satisfait du service", lexicons) > 0
    assert sentiment("Je ne suis pas satisfait du service", lexicons) < 0
    assert sentiment("Le service n'est pas du tout satisfaisant", lexicons) < 0
    assert sentiment("C'est mal", lexicons) < 0
    assert sentiment("C'est pas mal", lexicons) > 0
    assert sentiment("The agent was helpful", lexicons) > 0
    assert sentiment("The agent wasn't helpful", lexicons) < 0


def test_several_negations_turn_the_sentiment_once(lexicons: Lexicons) -> None:
    # two French negations of the seed that are no sentiment word themselves
    first, second = sorted(
        term
        for term, modifier in lexicons.modifiers["fr"].items()
        if modifier.kind == "negation" and term not in lexicons.valences["fr"] and len(term) > 1
    )[:2]
    once = sentiment(f"Je suis {first} satisfait", lexicons)
    assert once < 0
    assert sentiment(f"Je suis {first} {second} satisfait", lexicons) == once


def test_modifiers_bear_on_words_only(lexicons: Lexicons) -> None:
    assert sentiment("Colis jamais arrivé 😡", lexicons) < 0
    assert read_comment("Vraiment jamais 😡", lexicons).score == read_comment("😡", lexicons).score


def test_a_valence_of_zero_switches_a_term_off(lexicons: Lexicons) -> None:
    with open(SEEDS / "comments" / "cx_sentiment_domain_terms.csv", encoding="utf-8") as handle:
        switched_off = [
            (row["language"].strip().lower(), fold(row["term"]).strip(" "))
            for row in csv.DictReader(handle)
            if Decimal(row["valence"]) == 0
        ]
    for language, term in switched_off:
        assert term not in lexicons.valences[language if language in ("fr", "en") else "other"], term


def test_a_phrase_weighs_its_own_valence_and_hides_its_words(lexicons: Lexicons) -> None:
    praise = read_comment("Rien à redire", lexicons)
    assert (praise.sentiment_words, praise.sentiment) == (1, "positive")  # though rien negates
    request = read_comment("Merci de me rappeler", lexicons)
    assert (request.sentiment_words, request.score) == (0, Decimal("0.0000"))  # no thanks
    assert sentiment("Merci pour tout", lexicons) > 0
    assert read_comment("No big deal", lexicons).sentiment == "neutral"


def test_boosters_and_dampeners_move_the_score(lexicons: Lexicons) -> None:
    plain, boosted = sentiment("Je suis satisfait", lexicons), sentiment("Je suis très satisfait", lexicons)
    assert 0 < plain < boosted
    disappointed, dampened = sentiment("Je suis déçu", lexicons), sentiment("Je suis un peu déçu", lexicons)
    assert disappointed < dampened < 0


def test_emojis_and_emoticons_are_read_in_every_language(lexicons: Lexicons) -> None:
    for text, sign in (("👍", 1), ("👎", -1), ("❤️", 1), (":D", 1), (":-(", -1)):
        reading = read_comment(text, lexicons)
        assert reading.language == "other"
        assert reading.word_count == 0
        assert reading.sentiment_words == 1
        assert reading.score * sign > 0
        assert reading.sentiment == ("positive" if sign > 0 else "negative")


def test_the_score_is_normalised_and_rounded_half_away_from_zero() -> None:
    assert sentiment_score(Decimal(0)) == Decimal("0.0000")
    assert sentiment_score(Decimal(1)) == Decimal("0.2500")  # 1 / sqrt(16)
    assert sentiment_score(Decimal(-7)) == -sentiment_score(Decimal(7))
    assert sentiment_score(Decimal(7)) == Decimal(str(round(7 / math.sqrt(64), 4)))
    assert sentiment_score(Decimal(10**6)) == Decimal("1.0000")


def test_the_thresholds_label_the_score(tmp_path: Path) -> None:
    rows = [_row("a", "9", "Je suis satisfait"), _row("b", "2", "Je suis déçu")]
    default = {row["response_id"]: row for row in _dicts(_marts(tmp_path, rows), "fct_comment_insights")}
    assert (default["a"]["sentiment"], default["b"]["sentiment"]) == ("positive", "negative")
    above = default["a"]["sentiment_score"] + Decimal("0.0001")
    below = default["b"]["sentiment_score"] - Decimal("0.0001")
    strict = CommentSettings(positive_threshold=above, negative_threshold=below)
    labels = {row[0]: row[-1] for row in _marts(tmp_path, rows, strict)["fct_comment_insights"]}
    assert labels == {"a": "neutral", "b": "neutral"}


def test_a_comment_without_sentiment_words_is_neutral(lexicons: Lexicons) -> None:
    reading = read_comment("Xyzzy 12345 qwrtp", lexicons)
    assert reading.sentiment_words == 0
    assert (reading.score, reading.sentiment) == (Decimal("0.0000"), "neutral")


def _stop_words_of_one_language(lexicons: Lexicons, language: str) -> list[str]:
    others = set().union(*(words for other, words in lexicons.stop_words.items() if other != language))
    return sorted(word for word in lexicons.stop_words[language] if word not in others)


def test_language_is_the_one_whose_stop_words_are_used_most(lexicons: Lexicons) -> None:
    assert read_comment("Le conseiller était très aimable et la livraison rapide", lexicons).language == "fr"
    assert read_comment("The delivery was quick and the staff were friendly", lexicons).language == "en"
    assert read_comment("Hola, el servicio fue muy bueno y rápido", lexicons).language == "other"
    assert read_comment("Top", lexicons).language == "other"
    assert read_comment("👍", lexicons).language == "other"
    french = _stop_words_of_one_language(lexicons, "fr")
    english = _stop_words_of_one_language(lexicons, "en")
    # a tie between French and English is no majority
    assert read_comment(f"{french[0]} {english[0]}", lexicons).language == "other"
    assert read_comment(f"{french[0]} {french[1]} {english[0]}", lexicons).language == "fr"


def test_theme_patterns_match_consecutive_words_of_one_clause() -> None:
    patterns = ThemeTaxonomy.of(
        (
            ThemePattern("wait_time", (("attente", False), ("interminable", False))),
            ThemePattern("wait_time", (("attend", True),)),
            ThemePattern("delivery", (("livr", True), ("en", False), ("retard", False))),
        )
    )
    found = theme_mentions(clauses("Attente interminable, attendu 2 h. Attente, interminable"), patterns)
    assert found == {
        ("wait_time", 1, 1, "attente interminable"),
        ("wait_time", 2, 1, "attendu"),
    }
    assert theme_mentions(clauses("livrée en retard"), patterns) == {("delivery", 1, 1, "livree en retard")}
    assert theme_mentions(clauses("livree 👍 en retard"), patterns) == set()


def test_a_theme_sentiment_is_that_of_the_clauses_mentioning_it(lexicons: Lexicons) -> None:
    reading = read_comment("Le conseiller était aimable mais l'attente était interminable", lexicons)
    assert reading.language == "fr"
    assert reading.themes["staff_attitude"].sentiment == "positive"
    assert reading.themes["wait_time"].sentiment == "negative"
    assert reading.themes["wait_time"].matched_text == "attente"
    # the clause after the contrast weighs more: the comment leans to it
    assert reading.sentiment == "negative"


# ------------------------------------------------------------------------ keywords


def test_keyword_terms_drop_stop_words_short_words_and_numbers(lexicons: Lexicons) -> None:
    stop_words = lexicons.stop_words["fr"] | lexicons.stop_words["en"]
    reading = read_comment("Le temps d'attente au 3977 : 45 min. Conseiller top", lexicons)
    assert comment_terms(reading, stop_words) == [
        ("word", "temps"),
        ("word", "attente"),
        ("word", "min"),
        ("phrase", "temps attente"),
        ("phrase", "attente min"),
        ("word", "conseiller"),
        ("word", "top"),
        ("phrase", "conseiller top"),
    ]


def test_log_odds_on_a_hand_worked_example() -> None:
    # a term seen 3 times among the 10 terms of the category, 4 times among the month's 20
    ratio, z = log_odds(3, 4, 10, 20)
    expected = math.log(7 / 23) - math.log(5 / 25)  # (yi + y) / (ni + n - yi - y), yj = 1, nj = 10
    assert ratio == pytest.approx(expected, abs=1e-12)
    assert z == pytest.approx(expected / math.sqrt(1 / 7 + 1 / 5), abs=1e-12)
    assert (round4(ratio), round4(z)) == (Decimal("0.4199"), Decimal("0.7170"))
    # a term only the other categories use is under-represented
    assert log_odds(0, 4, 10, 20)[0] < 0


def test_keywords_rank_the_terms_of_a_category_against_its_month(tmp_path: Path) -> None:
    rows = [
        *(_row(f"d{i}", "2", "Le temps d'attente était interminable") for i in range(3)),
        *(_row(f"p{i}", "10", "Le conseiller était parfait") for i in range(3)),
        _row("x1", "10", "Le temps était parfait"),
        _row("x2", None, "Le temps d'attente était interminable", csat="2"),  # no NPS: not counted
    ]
    keywords = {
        (row["nps_category"], row["term_type"], row["term"]): row
        for row in _dicts(_marts(tmp_path, rows), "rpt_comment_keywords")
    }
    attente = keywords[("detractor", "word", "attente")]
    assert (attente["month_start_date"], attente["comment_language"]) == (date(2026, 3, 1), "fr")
    # detractors: temps, attente, interminable x 3 = 9 words; the month: 9 + 6 + 2 = 17
    assert (attente["term_count"], attente["comment_count"], attente["month_term_count"]) == (3, 3, 3)
    assert (attente["category_term_total"], attente["month_term_total"]) == (9, 17)
    ratio, z = log_odds(3, 3, 9, 17)
    assert (attente["log_odds_ratio"], attente["log_odds_z"]) == (round4(ratio), round4(z))
    # "temps" is also a promoter's word: it sets the detractors apart less than "attente"
    assert keywords[("detractor", "word", "temps")]["keyword_rank"] > attente["keyword_rank"]
    assert keywords[("detractor", "phrase", "temps attente")]["term_count"] == 3
    # seen fewer than 3 times in its category: not kept
    assert ("promoter", "word", "temps") not in keywords
    # the vars: with a minimum of 1 a term seen once is kept; with a top 1, one term per list
    kept = _dicts(_marts(tmp_path, rows, CommentSettings(keyword_min_count=1)), "rpt_comment_keywords")
    assert ("promoter", "word", "temps") in {
        (row["nps_category"], row["term_type"], row["term"]) for row in kept
    }
    top = _dicts(_marts(tmp_path, rows, CommentSettings(keyword_top_n=1)), "rpt_comment_keywords")
    assert [row["keyword_rank"] for row in top] == [1] * 4


# ------------------------------------------------------------------------ drivers


def test_nps_impact_gap_and_example_on_a_tiny_example(tmp_path: Path) -> None:
    rows = [
        _row("a", "2", "Attente interminable, nul", channel="email"),
        _row("b", "3", "Service correct", channel="email", day=10),
        _row("c", "10", None, channel="sms"),
        _row("d", "8", "Bien", channel="sms"),
    ]
    drivers = {
        (row["period_grain"], row["driver_group"], row["driver"]): row
        for row in _dicts(_marts(tmp_path, rows), "rpt_cx_drivers")
    }
    email = drivers[("all", "channel", "email")]
    # all: P 1, D 2 of 4 -> -25; without email: 1 promoter, 1 passive -> 50
    assert (email["nps"], email["nps_with"], email["nps_without"]) == (
        Decimal("-25.00"),
        Decimal("-100.00"),
        Decimal("50.00"),
    )
    assert (email["responses"], email["responses_with"], email["responses_without"]) == (4, 2, 2)
    assert email["share_with_pct"] == Decimal("50.00")
    assert email["nps_impact"] == Decimal("-75.00")
    assert email["nps_gap"] == Decimal("-150.00")
    assert email["is_with_below_min_responses"] is True
    assert email["theme_mentions"] is None and email["negative_mention_pct"] is None
    # the example: a detractor's comment, the most negative first
    assert email["example_response_id"] == "a"
    assert email["example_comment"] == "Attente interminable, nul"
    sms = drivers[("all", "channel", "sms")]
    assert sms["nps_impact"] == Decimal("-25.00") - Decimal("-100.00")
    assert sms["example_response_id"] == "d"
    assert drivers[("month", "channel", "email")]["period_start_date"] == date(2026, 3, 1)
    assert email["period_start_date"] == date(2026, 3, 10)
    wait = drivers[("all", "theme", "wait_time")]
    assert (wait["responses_with"], wait["theme_mentions"], wait["negative_mention_pct"]) == (
        1,
        1,
        Decimal("100.00"),
    )
    ranks = sorted(row["driver_rank"] for row in drivers.values() if row["period_grain"] == "all")
    assert ranks == list(range(1, len(ranks) + 1))


def test_nps_impact_is_rounded_from_the_exact_shares(tmp_path: Path) -> None:
    # all: 31 detractors and a passive of 32 (-96.875); without email: 4 detractors and a passive
    # (-80): the impact is exactly -16.875, rounded half away from zero (a double says -16.87499...)
    rows = [
        *(_row(f"e{i:02d}", "2", None, channel="email") for i in range(27)),
        *(_row(f"s{i}", "3", None, channel="sms") for i in range(4)),
        _row("s4", "7", None, channel="sms"),
    ]
    (email,) = (
        row
        for row in _dicts(_marts(tmp_path, rows), "rpt_cx_drivers")
        if row["period_grain"] == "all" and row["driver"] == "email"
    )
    assert (email["nps"], email["nps_without"]) == (Decimal("-96.88"), Decimal("-80.00"))
    assert email["nps_impact"] == Decimal("-16.88")


def test_a_driver_every_response_has_has_no_impact(tmp_path: Path) -> None:
    rows = [_row("a", "2", None, channel="email"), _row("b", "10", None, channel="email")]
    (email, _month) = (
        row for row in _dicts(_marts(tmp_path, rows), "rpt_cx_drivers") if row["driver"] == "email"
    )
    assert (email["nps_impact"], email["nps_without"], email["nps_gap"], email["gap_p_value"]) == (
        None,
        None,
        None,
        None,
    )
    assert email["is_gap_significant"] is False
    assert email["example_response_id"] is None


def test_comment_reports_are_in_the_bi_schema() -> None:
    assert MART_SCHEMAS["rpt_comment_keywords"] == MART_SCHEMAS["rpt_cx_drivers"] == "marts"
    assert MART_SCHEMAS["fct_comment_insights"] == MART_SCHEMAS["fct_comment_themes"] == "marts"
    assert MART_SCHEMAS["rpt_response_audit"] == "audit"


# ------------------------------------------------------------------------ helpers

_COLUMNS = ("response_id", "submitted_at", "score", "channel", "comment", "csat_score")


def _row(
    response_id: str,
    score: str | None,
    comment: str | None,
    *,
    channel: str = "email",
    csat: str | None = None,
    day: int = 12,
) -> dict[str, str | None]:
    return {
        "response_id": response_id,
        "submitted_at": f"2026-03-{day}T12:00:00Z",
        "score": score,
        "channel": channel,
        "comment": comment,
        "csat_score": csat,
    }


def _marts(
    tmp_path: Path, rows: list[dict[str, str | None]], settings: CommentSettings | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    path = tmp_path / "responses.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_COLUMNS)
        writer.writerows(
            [["" if row[column] is None else row[column] for column in _COLUMNS] for row in rows]
        )
    return compute_marts(str(path), SEEDS, comments=settings)


def _dicts(marts: dict[str, list[tuple[Any, ...]]], mart: str) -> list[dict[str, Any]]:
    return [dict(zip(MART_COLUMNS[mart], row, strict=True)) for row in marts[mart]]
