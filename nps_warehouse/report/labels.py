"""The dashboard's words and number formats in French and English.

:class:`Labels` gives a section's title, a metric's name, a dimension value's name and numbers
and dates written the way a reader of the language writes them ("19,02" and "1 675" in French,
"19.02" and "1,675" in English). The figures' machine-readable values are never formatted here:
the page carries them as they come from the marts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

LANGUAGES: tuple[str, ...] = ("fr", "en")
#: Written for a missing value, and as the minus sign of a number.
DASH = "\u2013"
MINUS = "\u2212"
DEFAULT_LANGUAGE = "fr"

_TEXT: dict[str, dict[str, str]] = {
    "title": {
        "fr": "Tableau de bord NPS et expérience client",
        "en": "NPS and customer experience dashboard",
    },
    "period_week": {"fr": "Semaine du {start} au {end}", "en": "Week of {start} to {end}"},
    "period_month": {"fr": "{month}", "en": "{month}"},
    "period_incomplete": {"fr": "période en cours", "en": "period not over yet"},
    "compared_with": {"fr": "comparé à {previous}", "en": "compared with {previous}"},
    "no_data": {"fr": "Aucune donnée dans l'entrepôt.", "en": "No data in the warehouse."},
    "generated": {
        "fr": "Généré le {at} depuis les marts de l'entrepôt",
        "en": "Generated on {at} from the warehouse's marts",
    },
    "nav_headline": {"fr": "Chiffres clés", "en": "Headline"},
    "nav_trend": {"fr": "Tendance", "en": "Trend"},
    "nav_breakdowns": {"fr": "Répartitions", "en": "Breakdowns"},
    "nav_alerts": {"fr": "Alertes", "en": "Alerts"},
    "nav_followup": {"fr": "Suivi", "en": "Follow-up"},
    "nav_drivers": {"fr": "Causes", "en": "Drivers"},
    "nav_teams": {"fr": "Équipes", "en": "Teams"},
    "nav_quality": {"fr": "Qualité des données", "en": "Data quality"},
    "headline_title": {"fr": "Chiffres clés", "en": "Headline"},
    "headline_help": {
        "fr": "Intervalle de confiance entre crochets. Une évolution n'est colorée que si elle est "
        "statistiquement significative ; en gris, elle peut être due au hasard.",
        "en": "Confidence interval in brackets. A change is coloured only when it is statistically "
        "significant; in grey it may be chance.",
    },
    "kpi_nps": {"fr": "NPS", "en": "NPS"},
    "kpi_csat_pct": {"fr": "CSAT (% satisfaits)", "en": "CSAT (% satisfied)"},
    "kpi_ces_mean": {"fr": "CES (facilité moyenne, 1 à 7)", "en": "CES (mean ease, 1 to 7)"},
    "kpi_detractor_share": {"fr": "part de détracteurs", "en": "detractor share"},
    "kpi_response_rate": {"fr": "Taux de réponse", "en": "Response rate"},
    "responses": {"fr": "réponses", "en": "responses"},
    "delivered": {"fr": "invitations remises", "en": "invitations delivered"},
    "previous": {"fr": "période précédente", "en": "previous period"},
    "target": {"fr": "objectif", "en": "target"},
    "direction_up": {"fr": "hausse significative", "en": "significant rise"},
    "direction_down": {"fr": "baisse significative", "en": "significant fall"},
    "direction_flat": {"fr": "non significatif", "en": "not significant"},
    "direction_insufficient_data": {
        "fr": "trop peu de réponses pour conclure",
        "en": "too few responses to tell",
    },
    "direction_none": {"fr": "non testé", "en": "not tested"},
    "small_sample": {
        "fr": "moins de réponses que le minimum : indicatif",
        "en": "fewer responses than the minimum: indicative",
    },
    "trend_title": {"fr": "Évolution du NPS", "en": "NPS trend"},
    "trend_help": {
        "fr": "La bande est l'intervalle de confiance ; un point creux marque une période en cours.",
        "en": "The band is the confidence interval; a hollow point marks a period not over yet.",
    },
    "trend_target": {
        "fr": "La ligne en tirets est l'objectif ({target}).",
        "en": "The dashed line is the target ({target}).",
    },
    "trend_week": {"fr": "Par semaine", "en": "By week"},
    "trend_month": {"fr": "Par mois", "en": "By month"},
    "interval": {"fr": "intervalle de confiance", "en": "confidence interval"},
    "breakdowns_title": {"fr": "NPS par axe", "en": "NPS by dimension"},
    "breakdowns_help": {
        "fr": "Vert ou rouge : au-dessus ou au-dessous du reste, significativement. Gris clair : "
        "trop peu de réponses. La ligne verticale est le NPS global.",
        "en": "Green or red: above or below the rest, significantly. Light grey: too few responses. "
        "The vertical line is the overall NPS.",
    },
    "col_value": {"fr": "Valeur", "en": "Value"},
    "col_responses": {"fr": "Réponses", "en": "Responses"},
    "col_nps": {"fr": "NPS", "en": "NPS"},
    "col_interval": {"fr": "Intervalle", "en": "Interval"},
    "col_vs_rest": {"fr": "Face au reste", "en": "Against the rest"},
    "col_change": {"fr": "Évolution", "en": "Change"},
    "vs_above": {"fr": "au-dessus", "en": "above"},
    "vs_below": {"fr": "au-dessous", "en": "below"},
    "vs_flat": {"fr": "≈", "en": "≈"},
    "vs_flat_title": {
        "fr": "pas de différence significative avec le reste",
        "en": "no significant difference with the rest",
    },
    "vs_insufficient_data": {"fr": "trop peu", "en": "too few"},
    "alerts_title": {"fr": "Alertes en cours", "en": "Current alerts"},
    "alerts_help": {
        "fr": "Les alertes depuis le {start} ; au plus 5 % d'entre elles sont attendues fausses.",
        "en": "The alerts since {start}; at most 5 % of them are expected to be false.",
    },
    "alerts_none": {"fr": "Aucune alerte sur la période.", "en": "No alert in the period."},
    "alerts_count": {"fr": "alertes", "en": "alerts"},
    "col_severity": {"fr": "Gravité", "en": "Severity"},
    "col_rule": {"fr": "Règle", "en": "Rule"},
    "col_where": {"fr": "Où", "en": "Where"},
    "col_period": {"fr": "Période", "en": "Period"},
    "col_observed": {"fr": "Observé", "en": "Observed"},
    "col_baseline": {"fr": "Référence", "en": "Baseline"},
    "col_q_value": {"fr": "q", "en": "q"},
    "severity_high": {"fr": "haute", "en": "high"},
    "severity_medium": {"fr": "moyenne", "en": "medium"},
    "rule_nps_significant_drop": {"fr": "baisse du NPS", "en": "NPS drop"},
    "rule_csat_significant_drop": {"fr": "baisse du CSAT", "en": "CSAT drop"},
    "rule_detractor_spike": {"fr": "pic de détracteurs", "en": "detractor spike"},
    "rule_below_target": {"fr": "sous l'objectif", "en": "below target"},
    "grain_day": {"fr": "jour", "en": "day"},
    "grain_week": {"fr": "semaine", "en": "week"},
    "grain_month": {"fr": "mois", "en": "month"},
    "grain_quarter": {"fr": "trimestre", "en": "quarter"},
    "grain_year": {"fr": "année", "en": "year"},
    "followup_title": {"fr": "Boucle de suivi : qui rappeler", "en": "Closing the loop: whom to call"},
    "followup_help": {
        "fr": "Dossiers ouverts pour chaque détracteur ; délai promis : 48 heures.",
        "en": "A case opens for every detractor; the promise is a call within 48 hours.",
    },
    "queue_size": {"fr": "dossiers à traiter", "en": "cases to act on"},
    "queue_overdue": {"fr": "en retard", "en": "overdue"},
    "sla_met_pct": {"fr": "SLA tenu sur la période", "en": "SLA met in the period"},
    "recovery_pct": {"fr": "clients reconquis", "en": "customers recovered"},
    "sla_chart": {"fr": "SLA tenu par semaine (%)", "en": "SLA met by week (%)"},
    "queue_first": {"fr": "Les {n} premiers dossiers de la file", "en": "The first {n} cases of the queue"},
    "col_rank": {"fr": "Rang", "en": "Rank"},
    "col_priority": {"fr": "Priorité", "en": "Priority"},
    "col_due": {"fr": "Échéance", "en": "Due"},
    "col_owner": {"fr": "Responsable", "en": "Owner"},
    "col_team": {"fr": "Équipe", "en": "Team"},
    "col_region": {"fr": "Région", "en": "Region"},
    "col_score": {"fr": "Note", "en": "Score"},
    "col_comment": {"fr": "Commentaire", "en": "Comment"},
    "col_themes": {"fr": "Thèmes", "en": "Themes"},
    "priority_high": {"fr": "haute", "en": "high"},
    "priority_normal": {"fr": "normale", "en": "normal"},
    "overdue_by": {"fr": "en retard de {amount}", "en": "{amount} late"},
    "due_in": {"fr": "dans {amount}", "en": "in {amount}"},
    "period_of_week": {"fr": "semaine du {start}", "en": "week of {start}"},
    "col_customer": {"fr": "Client", "en": "Customer"},
    "drivers_title": {
        "fr": "Pourquoi : causes et mots des clients",
        "en": "Why: drivers and customers' words",
    },
    "drivers_help": {
        "fr": "Impact : points de NPS gagnés si ces réponses ressemblaient aux autres ({period}).",
        "en": "Impact: NPS points gained were these responses like the others ({period}).",
    },
    "drivers_all": {"fr": "toute la période", "en": "whole period"},
    "col_driver": {"fr": "Cause", "en": "Driver"},
    "col_impact": {"fr": "Impact", "en": "Impact"},
    "col_with": {"fr": "NPS avec", "en": "NPS with"},
    "col_without": {"fr": "NPS sans", "en": "NPS without"},
    "col_share": {"fr": "Part", "en": "Share"},
    "col_p_value": {"fr": "p", "en": "p"},
    "col_example": {"fr": "Exemple", "en": "Example"},
    "significant": {"fr": "significatif", "en": "significant"},
    "group_theme": {"fr": "thème", "en": "theme"},
    "group_wait_time_band": {"fr": "attente", "en": "wait"},
    "group_transfers_band": {"fr": "transferts", "en": "transfers"},
    "group_first_contact_resolution": {"fr": "résolu au 1er contact", "en": "first-contact resolution"},
    "group_channel": {"fr": "canal", "en": "channel"},
    "group_touchpoint": {"fr": "point de contact", "en": "touchpoint"},
    "keywords_title": {"fr": "Expressions qui distinguent", "en": "Phrases that set apart"},
    "keywords_language_fr": {"fr": "Commentaires en français", "en": "Comments in French"},
    "keywords_language_en": {"fr": "Commentaires en anglais", "en": "Comments in English"},
    "category_detractor": {"fr": "Détracteurs", "en": "Detractors"},
    "category_promoter": {"fr": "Promoteurs", "en": "Promoters"},
    "teams_title": {"fr": "Équipes et agents", "en": "Teams and agents"},
    "teams_help": {
        "fr": "NPS ajusté : rapproché de celui du groupe quand les réponses sont peu nombreuses ; "
        "seuls ceux qui ont assez de réponses sont classés.",
        "en": "Shrunk NPS: pulled toward the group's when responses are few; only those with enough "
        "responses are ranked.",
    },
    "col_shrunk": {"fr": "NPS ajusté", "en": "Shrunk NPS"},
    "col_agents": {"fr": "Agents", "en": "Agents"},
    "col_agent": {"fr": "Agent", "en": "Agent"},
    "col_team_nps": {"fr": "NPS de l'équipe", "en": "Team NPS"},
    "unranked": {"fr": "non classé", "en": "unranked"},
    "rank_of": {"fr": "{rank} sur {of}", "en": "{rank} of {of}"},
    "agents_lowest": {
        "fr": "Les {n} agents au NPS ajusté le plus bas ({ranked} classés sur {total})",
        "en": "The {n} agents with the lowest shrunk NPS ({ranked} ranked of {total})",
    },
    "shrunk_marker": {"fr": "NPS ajusté", "en": "shrunk NPS"},
    "quality_title": {"fr": "Qualité des données", "en": "Data quality"},
    "quality_help": {
        "fr": "Chaque ligne lue est acceptée, rejetée (avec sa raison) ou remplacée par une réponse "
        "plus récente.",
        "en": "Every row read is accepted, rejected (with its reason) or superseded by a later answer.",
    },
    "last_load": {"fr": "Dernier chargement", "en": "Last load"},
    "last_build": {"fr": "Dernière construction", "en": "Last build"},
    "col_source": {"fr": "Source", "en": "Source"},
    "col_files": {"fr": "Fichiers", "en": "Files"},
    "col_rows_read": {"fr": "Lignes lues", "en": "Rows read"},
    "col_accepted": {"fr": "Acceptées", "en": "Accepted"},
    "col_rejected": {"fr": "Rejetées", "en": "Rejected"},
    "col_superseded": {"fr": "Remplacées", "en": "Superseded"},
    "col_reason": {"fr": "Raison du rejet", "en": "Rejection reason"},
    "col_rows": {"fr": "Lignes", "en": "Rows"},
    "rejected_chart": {"fr": "Lignes rejetées par raison", "en": "Rows rejected by reason"},
    "rows_read_total": {"fr": "lignes lues", "en": "rows read"},
    "rows_rejected_total": {"fr": "rejetées", "en": "rejected"},
    "none": {"fr": "aucun", "en": "none"},
}

_DIMENSIONS: dict[str, dict[str, str]] = {
    "overall": {"fr": "Global", "en": "Overall"},
    "channel": {"fr": "Canal", "en": "Channel"},
    "region": {"fr": "Région", "en": "Region"},
    "segment": {"fr": "Segment", "en": "Segment"},
    "touchpoint": {"fr": "Point de contact", "en": "Touchpoint"},
    "brand": {"fr": "Marque", "en": "Brand"},
    "business_unit": {"fr": "Activité", "en": "Business unit"},
    "age_band": {"fr": "Tranche d'âge", "en": "Age band"},
    "loyalty_tier": {"fr": "Niveau de fidélité", "en": "Loyalty tier"},
    "team": {"fr": "Équipe", "en": "Team"},
    "agent": {"fr": "Agent", "en": "Agent"},
    "survey": {"fr": "Enquête", "en": "Survey"},
    "site": {"fr": "Site", "en": "Site"},
}

#: Names of the codes of the seeds (nps_channels, nps_segments, nps_codes) and of the comment
#: themes, per language; a code not listed keeps the name its dimension's mart gives, else itself.
_VALUES: dict[str, dict[str, dict[str, str]]] = {
    "fr": {
        "channel": {
            "email": "E-mail",
            "sms": "SMS",
            "phone": "Téléphone / SVI",
            "web": "Lien web",
            "chat": "Chat",
            "whatsapp": "WhatsApp",
            "in_app": "Application",
            "other": "Autre (non reconnu)",
        },
        "segment": {
            "consumer": "Particuliers",
            "smb": "Petites entreprises",
            "mid_market": "ETI",
            "enterprise": "Grands comptes",
        },
        "touchpoint": {
            "relationship": "Relation globale",
            "store": "Magasin",
            "delivery": "Livraison",
            "call": "Appel au service client",
            "web": "Site web",
            "chat": "Chat",
            "app": "Application mobile",
        },
        "brand": {"nova": "Nova", "nova_express": "Nova Express"},
        "business_unit": {
            "corporate": "Siège",
            "retail": "Commerce",
            "logistics": "Logistique",
            "customer_service": "Service client",
            "digital": "Digital",
        },
        "loyalty_tier": {"bronze": "Bronze", "silver": "Argent", "gold": "Or", "platinum": "Platine"},
        "age_band": {"under_18": "moins de 18 ans", "65+": "65 ans et plus"},
        "first_contact_resolution": {"yes": "oui", "no": "non"},
        "theme": {
            "billing": "facturation",
            "communication": "communication",
            "delivery": "livraison",
            "digital_experience": "expérience digitale",
            "price": "prix",
            "product_quality": "qualité du produit",
            "resolution": "résolution",
            "staff_attitude": "attitude du personnel",
            "wait_time": "temps d'attente",
        },
        "priority_reason": {
            "low_score": "note très basse",
            "repeat_detractor": "détracteur récidivant",
            "top_tier": "client platine",
        },
    },
    "en": {
        "channel": {"phone": "Phone / IVR", "in_app": "In-app", "other": "Other (unmapped)"},
        "segment": {"smb": "Small business", "mid_market": "Mid-market"},
        "touchpoint": {
            "relationship": "Relationship",
            "store": "Store visit",
            "delivery": "Home delivery",
            "call": "Contact-centre call",
            "web": "Website",
            "chat": "Chat",
            "app": "Mobile app",
        },
        "brand": {"nova": "Nova", "nova_express": "Nova Express"},
        "business_unit": {
            "corporate": "Corporate",
            "retail": "Retail",
            "logistics": "Logistics",
            "customer_service": "Customer service",
            "digital": "Digital",
        },
        "loyalty_tier": {"bronze": "Bronze", "silver": "Silver", "gold": "Gold", "platinum": "Platinum"},
        "age_band": {"under_18": "under 18"},
        "theme": {
            "digital_experience": "digital experience",
            "product_quality": "product quality",
            "staff_attitude": "staff attitude",
            "wait_time": "wait time",
        },
        "priority_reason": {
            "low_score": "very low score",
            "repeat_detractor": "repeat detractor",
            "top_tier": "top tier",
        },
    },
}

_SOURCES: dict[str, dict[str, str]] = {
    "responses": {"fr": "réponses", "en": "responses"},
    "customers": {"fr": "clients (CRM)", "en": "customers (CRM)"},
    "agents": {"fr": "agents", "en": "agents"},
    "interactions": {"fr": "interactions", "en": "interactions"},
    "invitations": {"fr": "invitations", "en": "invitations"},
    "case_events": {"fr": "suivi des dossiers", "en": "case events"},
    "agent_engagement": {"fr": "engagement des agents", "en": "agents' engagement"},
}

_REASONS_FR: dict[str, str] = {
    "test_response": "réponse de test",
    "unfinished_response": "réponse inachevée",
    "missing_response_id": "identifiant de réponse absent",
    "invalid_submitted_at": "date de réponse invalide",
    "missing_score": "note absente",
    "invalid_score": "note invalide",
    "missing_customer_id": "identifiant client absent",
    "invalid_updated_at": "date de mise à jour invalide",
    "missing_agent_id": "identifiant agent absent",
    "missing_interaction_id": "identifiant d'interaction absent",
    "missing_invitation_id": "identifiant d'invitation absent",
    "invalid_sent_at": "date d'envoi invalide",
    "invalid_event_type": "type d'événement invalide",
    "invalid_event_at": "date d'événement invalide",
    "invalid_surveyed_at": "date d'enquête invalide",
    "missing_enps_score": "note eNPS absente",
    "invalid_enps_score": "note eNPS invalide",
}

_MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

_SHORT_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


class Labels:
    """The words and formats of one language (``fr`` or ``en``)."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language}")
        self.language = language

    @property
    def colon(self) -> str:
        """A colon with the spaces of the language: " : " in French, ": " in English."""
        return "\u202f: " if self.language == "fr" else ": "

    @property
    def sep(self) -> str:
        """Between the bounds of an interval: "[15,04 ; 22,93]", "[15.04, 22.93]"."""
        return " ; " if self.language == "fr" else ", "

    def __call__(self, key: str, **values: Any) -> str:
        return _TEXT[key][self.language].format(**values)

    def dimension(self, name: str) -> str:
        return _DIMENSIONS.get(name, {}).get(self.language, name.replace("_", " "))

    def value(self, dimension: str, value: str, names: dict[str, dict[str, str]] | None = None) -> str:
        """A dimension value's name: the French name of a seed's code, else the name its
        dimension's mart gives (``names``), else the code itself."""
        if value == "unknown":
            return "inconnu" if self.language == "fr" else "unknown"
        listed = _VALUES[self.language].get(dimension, {})
        if value in listed:
            return listed[value]
        return (names or {}).get(dimension, {}).get(value) or value

    def values(self, dimension: str, values: str | None) -> str:
        """A comma-separated list of codes (themes, priority reasons), each named."""
        if not values:
            return ""
        return ", ".join(self.value(dimension, value.strip()) for value in values.split(","))

    def period(self, grain: str, start: date) -> str:
        """A period of an alert: the day, "semaine du 5 oct. 2026", "octobre 2026", "T4 2026"."""
        if grain == "week":
            return self("period_of_week", start=f"{self.short_date(start)} {start.year}")
        if grain == "month":
            return self.month(start)
        if grain == "quarter":
            return f"{'T' if self.language == 'fr' else 'Q'}{(start.month - 1) // 3 + 1} {start.year}"
        if grain == "year":
            return str(start.year)
        return self.date(start)

    def overdue(self, hours_until_due: Decimal) -> str:
        """How late (negative hours until due) or how long until due, in hours under two days
        and in days beyond."""
        hours = abs(hours_until_due)
        amount = (
            f"{int(hours // 24)} {'j' if self.language == 'fr' else 'days'}"
            if hours >= 48
            else f"{int(hours)} h"
        )
        return self("overdue_by" if hours_until_due < 0 else "due_in", amount=amount)

    def source(self, name: str) -> str:
        return _SOURCES.get(name, {}).get(self.language, name)

    def reason(self, reason: str) -> str:
        if self.language == "fr":
            return _REASONS_FR.get(reason, reason.replace("_", " "))
        return reason.replace("_", " ")

    def number(self, value: Decimal | float | int | None, decimals: int = 2, signed: bool = False) -> str:
        """``value`` with ``decimals`` decimals (a Decimal of the marts keeps its digits), a thin
        space between thousands and a decimal comma in French."""
        if value is None:
            return DASH
        if isinstance(value, int) and not isinstance(value, bool):
            text = f"{value:,}"
        else:
            text = f"{Decimal(str(value)):,.{decimals}f}"
        if signed and not text.startswith("-"):
            text = "+" + text
        if self.language == "fr":
            text = text.replace(",", "\u202f").replace(".", ",")
        return text.replace("-", MINUS)

    def p_value(self, value: float | None) -> str:
        if value is None:
            return DASH
        if value < 0.001:
            return "< 0,001" if self.language == "fr" else "< 0.001"
        return self.number(Decimal(str(round(value, 3))), 3)

    def date(self, value: date | None) -> str:
        if value is None:
            return DASH
        day = "1er" if self.language == "fr" and value.day == 1 else str(value.day)
        month = _MONTHS[self.language][value.month - 1]
        if self.language == "fr":
            return f"{day} {month} {value.year}"
        return f"{value.day} {month} {value.year}"

    def short_date(self, value: date) -> str:
        """The day and the abbreviated month: "5 oct." or "5 Oct"."""
        return f"{value.day} {_SHORT_MONTHS[self.language][value.month - 1]}"

    def month(self, value: date, title: bool = False) -> str:
        """ "octobre 2026" ("Octobre 2026" as a title), "October 2026"."""
        name = _MONTHS[self.language][value.month - 1]
        return f"{name.capitalize() if title else name} {value.year}"

    def timestamp(self, value: datetime | None) -> str:
        if value is None:
            return DASH
        return f"{self.date(value.date())} {value:%H:%M} UTC"
