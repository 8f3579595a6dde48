"""The customers' predictive scores: the features of a history, the seed's terms, and a fit that
finds a planted signal and beats a useless baseline."""

from __future__ import annotations

import csv
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from nps_warehouse.risk_model import (
    AGE_RANKS,
    FEATURES,
    MODELS,
    SEGMENTS,
    TIER_RANKS,
    Answer,
    Example,
    evaluate,
    features,
    fit,
    load_models,
)

ROOT = Path(__file__).resolve().parents[2]


def answer(day: int, score: int | None, sentiment: float | None = None, **fields: object) -> Answer:
    category = (
        None if score is None else "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"
    )
    values = {
        "negative_theme": False,
        "loyalty_tier": "gold",
        "age_band": "35-44",
        "segment": "smb",
        **fields,
    }
    return Answer(
        f"R{day:03d}", datetime(2026, 1, 1) + timedelta(days=day), score, category, sentiment, **values
    )  # type: ignore[arg-type]


def test_features_of_a_history() -> None:
    history = [answer(0, 9), answer(10, None, 0.5), answer(20, 3, -0.6, negative_theme=True)]
    values = features(history, datetime(2026, 1, 31))
    assert values == {
        "last_nps": 3.0,
        "mean_nps": 6.0,
        "nps_trend": -6.0,
        "detractor_share": 0.5,
        "answers": 2.0,
        "days_since_last": 10.0,
        "last_sentiment_score": -0.6,
        "negative_theme": 1.0,
        "tier_rank": 3.0,
        "age_rank": 4.0,
        "segment_smb": 1.0,
        "segment_mid_market": 0.0,
        "segment_enterprise": 0.0,
    }
    assert features([answer(0, None, 0.2)], datetime(2026, 1, 2)) is None


def test_the_seed_holds_every_term_of_both_models() -> None:
    with open(ROOT / "seeds" / "cx_risk_model.csv", encoding="utf-8", newline="") as handle:
        terms = {(row["model"], row["feature"]) for row in csv.DictReader(handle)}
    assert terms == {(model, feature) for model in MODELS for feature in ("intercept", *FEATURES)}
    models = load_models(ROOT / "seeds")
    assert set(models) == set(MODELS)
    assert all(0 < models[name].score(dict.fromkeys(FEATURES, 0.0)) < 1 for name in MODELS)


def test_the_sql_codes_features_as_python_does() -> None:
    """macros/followup/cx_risk_model.sql lists the same features, tier, age and segment codes."""
    text = (ROOT / "macros" / "followup" / "cx_risk_model.sql").read_text(encoding="utf-8")
    listed = re.search(r"macro cx_risk_features\(\).*?return\(\[(.*?)\]\)", text, re.S)
    assert listed is not None
    assert tuple(re.findall(r"'([a-z_]+)'", listed.group(1))) == FEATURES
    for code, rank in {**TIER_RANKS, **AGE_RANKS}.items():
        assert f"'{code}': {rank}" in text
    assert f"'segments': {list(SEGMENTS)!r}" in text


def test_a_fit_finds_a_planted_signal_and_beats_the_rules() -> None:
    rng = random.Random(5)
    made = []
    for k in range(3000):
        last = rng.randint(0, 10)
        tier = rng.choice(list(TIER_RANKS))
        history = [answer(0, last, loyalty_tier=tier)]
        values = features(history, datetime(2026, 2, 1))
        assert values is not None
        # the next answer is a detractor's more often after a low answer and for lower tiers
        p = 0.7 - 0.05 * last - 0.05 * TIER_RANKS[tier]
        category = "detractor" if rng.random() < p else "promoter"
        made.append(
            Example(datetime(2026, 2, 1) + timedelta(minutes=k), values, category, rng.random() < 0.3, False)
        )
    train, test = made[:2000], made[2000:]
    model = fit(train, "detractor")
    assert model.coefficients["last_nps"] < 0 and model.coefficients["tier_rank"] < 0
    result = evaluate("detractor_risk", model, test, "detractor")
    assert result.auc > 0.65 > 0.55 > result.baseline_auc
    assert result.brier < result.baseline_brier
    assert sum(count for _, _, count in result.reliability) == len(test)


@pytest.mark.parametrize("name", list(MODELS))
def test_scores_are_probabilities(name: str) -> None:
    model = load_models(ROOT / "seeds")[name]
    low = dict.fromkeys(FEATURES, -50.0)
    high = dict.fromkeys(FEATURES, 50.0)
    assert 0.0 <= model.score(low) <= 1.0 and 0.0 <= model.score(high) <= 1.0
