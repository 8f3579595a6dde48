"""What an alert says to a CX manager, in French or English: a title, the figures and a one-line
explanation of the rule that fired (the README's table of the alert rules), plus the facts a
card lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from nps_warehouse.notifications.alerts import Alert

LANGUAGES: tuple[str, ...] = ("en", "fr")

_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip

_DIMENSIONS = {
    "overall": ("all responses", "ensemble des réponses"),
    "channel": ("channel", "canal"),
    "region": ("region", "région"),
    "segment": ("segment", "segment"),
    "survey": ("survey", "enquête"),
    "survey_type": ("survey type", "type d'enquête"),
    "touchpoint": ("touchpoint", "point de contact"),
    "brand": ("brand", "marque"),
    "business_unit": ("business unit", "activité"),
    "language": ("language", "langue"),
    "age_band": ("age band", "tranche d'âge"),
    "tenure_band": ("tenure", "ancienneté client"),
    "loyalty_tier": ("loyalty tier", "niveau de fidélité"),
    "customer_country": ("customer country", "pays du client"),
    "team": ("team", "équipe"),
    "site": ("site", "site"),
    "agent": ("agent", "conseiller"),
    "wait_time_band": ("wait time", "temps d'attente"),
    "transfers_band": ("transfers", "transferts"),
    "first_contact_resolution": ("first-contact resolution", "résolution au premier contact"),
}

#: metric: (English name, French name, unit after the number: "%" or "")
_METRICS = {
    "nps": ("NPS", "NPS", ""),
    "csat_pct": ("CSAT", "CSAT", " %"),
    "ces_mean": ("CES mean (1-7)", "CES moyen (1-7)", ""),
    "detractor_share": ("detractor share", "part de détracteurs", " %"),
}
_POINTS = {
    "nps": ("points", "points"),
    "csat_pct": ("points", "points"),
    "detractor_share": ("points", "points"),
}

_PREVIOUS = {
    "day": ("the previous day", "la veille"),
    "week": ("the previous week", "la semaine précédente"),
    "month": ("the previous month", "le mois précédent"),
    "quarter": ("the previous quarter", "le trimestre précédent"),
    "year": ("the previous year", "l'année précédente"),
}

_RULES = {
    "nps_significant_drop": (
        "NPS significantly down",
        "NPS en baisse significative",
        "Customers here recommend us less than in the previous period, and it is not noise: read their "
        "comments and check what changed (a release, staffing, a process).",
        "Ces clients nous recommandent moins qu'à la période précédente, et ce n'est pas le hasard : lisez "
        "leurs commentaires et cherchez ce qui a changé (une version, l'équipe, un processus).",
    ),
    "csat_significant_drop": (
        "CSAT significantly down",
        "CSAT en baisse significative",
        "Satisfaction with the interaction itself fell beyond chance: look at the touchpoint and the agents "
        "behind it.",
        "La satisfaction sur l'interaction elle-même a baissé au-delà du hasard : regardez le point de "
        "contact et les conseillers concernés.",
    ),
    "detractor_spike": (
        "Detractor spike",
        "Pic de détracteurs",
        "Something went wrong that day (an outage, a delivery incident): call the detractors back now, "
        "before the monthly figure shows it.",
        "Quelque chose s'est mal passé ce jour-là (une panne, un incident de livraison) : rappelez les "
        "détracteurs maintenant, avant que le chiffre du mois ne le montre.",
    ),
    "below_target": (
        "Below target",
        "Sous l'objectif",
        "A commitment is being missed beyond chance, not just looking missed on a few responses.",
        "Un engagement n'est pas tenu, au-delà du hasard : ce n'est pas l'effet de quelques réponses.",
    ),
}

_WORDS = {
    "en": {
        "high": "high",
        "medium": "medium",
        "severity": "Severity",
        "period": "Period",
        "in_progress": "period in progress",
        "responses": "responses",
        "answers": "answers",
        "on": "on",
        "vs": "vs",
        "target": "target",
        "below": "below",
        "the_days_before": "the days before",
        "q_value": "q-value (false-discovery adjusted)",
        "alert": "Alert",
        "week_of": "week of",
        "observed": "Observed",
        "baseline": "Baseline",
        "colon": ":",
        "semicolon": ";",
    },
    "fr": {
        "high": "élevée",
        "medium": "moyenne",
        "severity": "Gravité",
        "period": "Période",
        "in_progress": "période en cours",
        "responses": "réponses",
        "answers": "réponses",
        "on": "sur",
        "vs": "contre",
        "target": "objectif",
        "below": "sous",
        "the_days_before": "les jours précédents",
        "q_value": "q-value (ajustée pour les fausses alertes)",
        "alert": "Alerte",
        "week_of": "semaine du",
        "observed": "Observé",
        "baseline": "Référence",
        # French typography: a space before the two-part punctuation marks
        "colon": " :",
        "semicolon": " ;",
    },
}


@dataclass(frozen=True)
class Message:
    """An alert in words: every payload (Slack, Teams, JSON lines) is built from it."""

    alert_id: str
    language: str
    severity: str
    title: str
    #: the figures: the score, what it is compared with, the gap and the responses behind them
    figures: str
    #: one line: what the rule means and what to do
    explanation: str
    #: (label, value) pairs a card lists
    facts: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """The message as plain lines."""
        return f"{self.title}\n{self.figures}\n{self.explanation}"


def render(alert: Alert, language: str) -> Message:
    """The message of ``alert`` in ``language`` (en, fr)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    fr = language == "fr"
    words = _WORDS[language]
    rule = _RULES.get(alert.rule)
    rule_title = (rule[1] if fr else rule[0]) if rule else alert.rule
    explanation = (rule[3] if fr else rule[2]) if rule else _unknown_rule(alert.rule, fr)
    where = _where(alert, language)
    period = _period(alert.period_grain, alert.period_start_date, language)
    if not alert.is_period_complete:
        period += f" ({words['in_progress']})"
    title = f"{rule_title} - {where}, {period}"
    figures = _figures(alert, language)
    facts = (
        (words["severity"], words.get(alert.severity, alert.severity)),
        (words["period"], period),
        (
            _DIMENSIONS.get(alert.dimension_name, (alert.dimension_name,) * 2)[fr].capitalize(),
            alert.dimension_value,
        ),
        (words["observed"], _score(alert.observed, alert.metric, language)),
        (
            words["target"].capitalize() if alert.rule == "below_target" else words["baseline"],
            _score(alert.baseline, alert.metric, language),
        ),
        (words["q_value"], _q_value(alert.q_value, language)),
        (words["alert"], alert.alert_id),
    )
    return Message(alert.alert_id, language, alert.severity, title, figures, explanation, facts)


def _unknown_rule(rule: str, fr: bool) -> str:
    if fr:
        return f"Règle {rule} : voir fct_cx_alerts et le README du projet."
    return f"Rule {rule}: see fct_cx_alerts and the project's README."


def _where(alert: Alert, language: str) -> str:
    names = _DIMENSIONS.get(alert.dimension_name, (alert.dimension_name, alert.dimension_name))
    name = names[language == "fr"]
    if alert.dimension_name == "overall":
        return name
    return f"{name} {alert.dimension_value}"


def _period(grain: str, start: date, language: str) -> str:
    fr = language == "fr"
    if grain == "day":
        return start.strftime("%d/%m/%Y") if fr else start.isoformat()
    if grain == "week":
        return f"{_WORDS[language]['week_of']} " + (start.strftime("%d/%m/%Y") if fr else start.isoformat())
    if grain == "month":
        return f"{_MONTHS[language][start.month - 1]} {start.year}"
    if grain == "quarter":
        return f"{'T' if fr else 'Q'}{(start.month - 1) // 3 + 1} {start.year}"
    if grain == "year":
        return str(start.year)
    return f"{grain} {start.isoformat()}"


def _number(value: Decimal | float | int, places: int, language: str) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP):,}"
    if language == "fr":
        return text.replace(",", " ").replace(".", ",")
    return text


def _count(value: int | None, language: str) -> str:
    return "?" if value is None else _number(value, 0, language)


def _score(value: Decimal | None, metric: str, language: str) -> str:
    if value is None:
        return "-"
    unit = _METRICS.get(metric, (metric, metric, ""))[2]
    places = 2 if metric == "ces_mean" else 1
    return f"{_number(value, places, language)}{unit}"


def _gap(alert: Alert, language: str) -> str:
    """The gap observed - baseline, signed, in the metric's points."""
    if alert.observed is None or alert.baseline is None:
        return ""
    places = 2 if alert.metric == "ces_mean" else 1
    difference = Decimal(alert.observed) - Decimal(alert.baseline)
    sign = "+" if difference > 0 else "-" if difference < 0 else "±"
    unit = f" {_POINTS[alert.metric][language == 'fr']}" if alert.metric in _POINTS else ""
    return f"{sign}{_number(abs(difference), places, language)}{unit}"


def _q_value(q: float | None, language: str) -> str:
    if q is None:
        return "-"
    if q < 0.001:
        return "< 0,001" if language == "fr" else "< 0.001"
    return _number(q, 3, language)


def _figures(alert: Alert, language: str) -> str:
    words = _WORDS[language]
    fr = language == "fr"
    metric = _METRICS.get(alert.metric, (alert.metric, alert.metric, ""))[fr]
    metric = metric[:1].upper() + metric[1:]
    observed = _score(alert.observed, alert.metric, language)
    baseline = _score(alert.baseline, alert.metric, language)
    responses = f"{_count(alert.responses, language)} {words['responses']}"
    q_value = (
        f"q {_q_value(alert.q_value, language)}"
        if alert.q_value is not None and alert.q_value < 0.001
        else (f"q = {_q_value(alert.q_value, language)}")
    )
    if alert.rule == "below_target":
        return (
            f"{metric} {observed} {words['on']} {responses}, {words['target']} {baseline} "
            f"({_gap(alert, language)}){words['semicolon']} {q_value}."
        )
    if alert.rule == "detractor_spike":
        before = f"{_count(alert.baseline_responses, language)} {words['answers']}"
        return (
            f"{metric} {observed} {words['on']} {responses} {words['vs']} {baseline} {words['on']} "
            f"{words['the_days_before']} ({before}){words['colon']} {_gap(alert, language)}"
            f"{words['semicolon']} {q_value}."
        )
    previous = _PREVIOUS.get(alert.period_grain, ("the previous period", "la période précédente"))[fr]
    before = f"{_count(alert.baseline_responses, language)} {words['responses']}"
    return (
        f"{metric} {observed} {words['on']} {responses} {words['vs']} {baseline} {previous} ({before})"
        f"{words['colon']} {_gap(alert, language)}{words['semicolon']} {q_value}."
    )
