"""The customers' predictive scores: detractor_risk and promoter_propensity of fct_customer_health.

Two logistic regressions predict the category of a customer's next NPS answer from their history
before it (README, "Customer health and audiences"). The features of a customer at an instant
are computed from their published responses before it (:func:`features`); the models are fitted
with scikit-learn on the responses before a cut-off date and evaluated on those after it (a
time-based split: nothing after the cut-off is seen by the fit), against the rule-based flags of
fct_customer_health computed at the same instants as the baseline. The coefficients go to the
seed ``cx_risk_model`` (feature, mean, scale, coefficient per model), which the SQL of
fct_customer_health and the oracle both score with, so every engine gives the same scores.

Run by ``scripts/fit_risk_model.py`` (``make risk-model``), which writes the seed and the report.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

#: The features, in the seed's order.
FEATURES: tuple[str, ...] = (
    "last_nps",
    "mean_nps",
    "nps_trend",
    "detractor_share",
    "answers",
    "days_since_last",
    "last_sentiment_score",
    "negative_theme",
    "tier_rank",
    "age_rank",
    "segment_smb",
    "segment_mid_market",
    "segment_enterprise",
)
#: The two models: the target category of the next NPS answer.
MODELS: dict[str, str] = {"detractor_risk": "detractor", "promoter_propensity": "promoter"}
#: The loyalty tiers, lowest first (rank 1 ...); any other tier ranks 0.
TIER_RANKS: dict[str, int] = {"bronze": 1, "silver": 2, "gold": 3, "platinum": 4}
#: The age bands, youngest first (rank 1 ...); unknown ranks 0.
AGE_RANKS: dict[str, int] = {
    band: rank
    for rank, band in enumerate(("under_18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"), 1)
}
#: The segments with a feature of their own (consumer, unknown and any other: none set).
SEGMENTS: tuple[str, ...] = ("smb", "mid_market", "enterprise")
ANSWERS_CAP = 10
DAYS_CAP = 365
RISK_THEMES: tuple[str, ...] = ("billing", "resolution")
SEED_COLUMNS: tuple[str, ...] = ("model", "feature", "feature_mean", "feature_scale", "coefficient")
INTERCEPT = "intercept"
#: The linear predictor is clamped to [-Z_LIMIT, Z_LIMIT] before the logistic function.
Z_LIMIT = 50.0


@dataclass(frozen=True, slots=True)
class Answer:
    """A published response of a customer, what the features read of it."""

    response_id: str
    submitted_at: datetime
    nps_score: int | None
    nps_category: str | None
    sentiment_score: float | None  # of its comment (None without one)
    negative_theme: bool  # its comment speaks negatively of a risk theme
    loyalty_tier: str  # the customer's tier at the response
    age_band: str  # their age band then
    segment: str  # the response's segment


def features(history: Sequence[Answer], at: datetime) -> dict[str, float] | None:
    """The features of a customer at ``at`` from ``history`` (their answers before ``at``, in
    (submitted_at, response_id) order; tier, age band and segment those of the latest); None
    without an NPS answer."""
    answered = [answer for answer in history if answer.nps_score is not None]
    if not answered:
        return None
    scores = [float(answer.nps_score) for answer in answered]  # type: ignore[arg-type]
    commented = [answer for answer in history if answer.sentiment_score is not None]
    last_comment = commented[-1] if commented else None
    return {
        "last_nps": scores[-1],
        "mean_nps": sum(scores) / len(scores),
        "nps_trend": scores[-1] - scores[-2] if len(scores) > 1 else 0.0,
        "detractor_share": sum(1 for a in answered if a.nps_category == "detractor") / len(answered),
        "answers": float(min(len(answered), ANSWERS_CAP)),
        "days_since_last": min((at - history[-1].submitted_at) / timedelta(days=1), float(DAYS_CAP)),
        "last_sentiment_score": 0.0 if last_comment is None else float(last_comment.sentiment_score),  # type: ignore[arg-type]
        "negative_theme": 1.0 if last_comment is not None and last_comment.negative_theme else 0.0,
        "tier_rank": float(TIER_RANKS.get(history[-1].loyalty_tier, 0)),
        "age_rank": float(AGE_RANKS.get(history[-1].age_band, 0)),
        **{f"segment_{segment}": float(history[-1].segment == segment) for segment in SEGMENTS},
    }


@dataclass(frozen=True)
class Model:
    """A fitted logistic regression on standardised features."""

    intercept: float
    means: Mapping[str, float]
    scales: Mapping[str, float]
    coefficients: Mapping[str, float]

    def score(self, values: Mapping[str, float]) -> float:
        z = self.intercept + sum(
            self.coefficients[f] * (values[f] - self.means[f]) / self.scales[f] for f in FEATURES
        )
        # clamped as the SQL does (exp overflows past 709 on some engines)
        return 1.0 / (1.0 + math.exp(-min(max(z, -Z_LIMIT), Z_LIMIT)))


def load_models(seeds_dir: str | Path) -> dict[str, Model]:
    """The models of the seed cx_risk_model.csv."""
    rows: dict[str, dict[str, tuple[float, float, float]]] = defaultdict(dict)
    with open(Path(seeds_dir) / "cx_risk_model.csv", encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            rows[record["model"]][record["feature"]] = (
                float(record["feature_mean"]),
                float(record["feature_scale"]),
                float(record["coefficient"]),
            )
    return {
        name: Model(
            intercept=terms[INTERCEPT][2],
            means={f: terms[f][0] for f in FEATURES},
            scales={f: terms[f][1] for f in FEATURES},
            coefficients={f: terms[f][2] for f in FEATURES},
        )
        for name, terms in rows.items()
    }


def answers_by_customer(marts: Mapping[str, list[tuple[Any, ...]]]) -> dict[str, list[Answer]]:
    """Every customer's published answers, in (submitted_at, response_id) order, from the marts
    (fct_cx_responses, fct_comment_insights, fct_comment_themes) in the contract's column order."""
    from nps_warehouse.contract import MART_COLUMNS

    def index(mart: str) -> dict[str, int]:
        return {column: k for k, column in enumerate(MART_COLUMNS[mart])}

    insight, theme, cx = index("fct_comment_insights"), index("fct_comment_themes"), index("fct_cx_responses")
    sentiment = {
        row[insight["response_id"]]: float(row[insight["sentiment_score"]])
        for row in marts["fct_comment_insights"]
        if row[insight["sentiment_score"]] is not None
    }
    negative = {
        row[theme["response_id"]]
        for row in marts["fct_comment_themes"]
        if row[theme["theme_sentiment"]] == "negative" and row[theme["theme"]] in RISK_THEMES
    }
    customers: dict[str, list[Answer]] = defaultdict(list)
    for row in marts["fct_cx_responses"]:
        customer_id = row[cx["customer_id"]]
        if customer_id is None:
            continue
        response_id = row[cx["response_id"]]
        customers[customer_id].append(
            Answer(
                response_id,
                row[cx["submitted_at"]],
                row[cx["nps_score"]],
                row[cx["nps_category"]],
                sentiment.get(response_id),
                response_id in negative,
                row[cx["loyalty_tier"]],
                row[cx["age_band"]],
                row[cx["segment"]],
            )
        )
    for history in customers.values():
        history.sort(key=lambda answer: (answer.submitted_at, answer.response_id))
    return customers


@dataclass(frozen=True)
class Example:
    """A response with an NPS answer and a history before it: features, outcome, baseline flags."""

    submitted_at: datetime
    values: dict[str, float]
    category: str
    #: fct_customer_health's rule-based flags at that instant
    at_risk: bool
    likely_promoter: bool


def examples(
    customers: Mapping[str, Sequence[Answer]], repeat_days: int = 180, drop: int = 4
) -> list[Example]:
    """Every answer that has an NPS answer before it, with its features and the rule-based flags
    (is_at_risk without the case rule, is_likely_promoter) computed at its instant."""
    out = []
    for history in customers.values():
        for k, answer in enumerate(history):
            if answer.nps_score is None or k == 0:
                continue
            before = history[:k]
            values = features(before, answer.submitted_at)
            if values is None:
                continue
            answered = [a for a in before if a.nps_score is not None]
            recent = [
                a
                for a in answered
                if a.nps_category == "detractor"
                and a.submitted_at > answer.submitted_at - timedelta(days=repeat_days)
            ]
            change = values["nps_trend"] if len(answered) > 1 else None
            commented = [a for a in before if a.sentiment_score is not None]
            last_comment = commented[-1] if commented else None
            at_risk = (
                len(recent) >= 2
                or (change is not None and change <= -drop)
                or values["negative_theme"] == 1.0
            )
            last, previous = answered[-1], answered[-2] if len(answered) > 1 else None
            rising_passive = (
                last.nps_category == "passive"
                and change is not None
                and change > 0
                and last_comment is not None
                and last_comment.sentiment_score is not None
                and last_comment.sentiment_score >= 0.05
            )
            promoter_twice = (
                last.nps_category == "promoter"
                and previous is not None
                and previous.nps_category == "promoter"
            )
            out.append(
                Example(
                    answer.submitted_at,
                    values,
                    answer.nps_category or "",
                    at_risk,
                    rising_passive or promoter_twice,
                )
            )
    return out


def fit(train: Sequence[Example], target: str) -> Model:
    """A logistic regression of ``target`` (a category) on the standardised features."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([[example.values[f] for f in FEATURES] for example in train])
    y = np.array([example.category == target for example in train], dtype=int)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    regression = LogisticRegression(C=1.0, max_iter=2000)
    regression.fit((x - means) / scales, y)
    return Model(
        intercept=float(regression.intercept_[0]),
        means={f: float(m) for f, m in zip(FEATURES, means, strict=True)},
        scales={f: float(s) for f, s in zip(FEATURES, scales, strict=True)},
        coefficients={f: float(c) for f, c in zip(FEATURES, regression.coef_[0], strict=True)},
    )


@dataclass(frozen=True)
class Evaluation:
    """How a model and its rule-based baseline rank and calibrate on the test responses."""

    model: str
    responses: int
    positives: int
    auc: float
    baseline_auc: float
    brier: float
    baseline_brier: float
    #: (mean predicted, observed rate, responses) per fifth of the predictions
    reliability: tuple[tuple[float, float, int], ...]


def evaluate(name: str, model: Model, test: Sequence[Example], target: str) -> Evaluation:
    import numpy as np
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = np.array([example.category == target for example in test], dtype=int)
    predicted = np.array([model.score(example.values) for example in test])
    flags = np.array(
        [(example.at_risk if target == "detractor" else example.likely_promoter) for example in test],
        dtype=float,
    )
    # the flags as probabilities: the observed rate of the flagged and of the others in the test
    flagged_rate = y[flags == 1].mean() if (flags == 1).any() else 0.0
    other_rate = y[flags == 0].mean() if (flags == 0).any() else 0.0
    baseline_probability = np.where(flags == 1, flagged_rate, other_rate)
    order = np.argsort(predicted, kind="stable")
    bins = np.array_split(order, 5)
    reliability = tuple((float(predicted[b].mean()), float(y[b].mean()), len(b)) for b in bins if len(b))
    return Evaluation(
        name,
        len(y),
        int(y.sum()),
        float(roc_auc_score(y, predicted)),
        float(roc_auc_score(y, flags)),
        float(brier_score_loss(y, predicted)),
        float(brier_score_loss(y, baseline_probability)),
        reliability,
    )


def write_seed(models: Mapping[str, Model], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SEED_COLUMNS)
        for name, model in models.items():
            writer.writerow([name, INTERCEPT, "0", "1", f"{model.intercept:.10f}"])
            for feature in FEATURES:
                writer.writerow(
                    [
                        name,
                        feature,
                        f"{model.means[feature]:.10f}",
                        f"{model.scales[feature]:.10f}",
                        f"{model.coefficients[feature]:.10f}",
                    ]
                )


def split(all_examples: Iterable[Example], cutoff: date) -> tuple[list[Example], list[Example]]:
    """The examples before the cut-off day (train) and from it on (test)."""
    train, test = [], []
    for example in all_examples:
        (train if example.submitted_at.date() < cutoff else test).append(example)
    return train, test
