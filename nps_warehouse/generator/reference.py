"""Reference data shared by the sources: channels, regions, segments, surveys and code lists.

The codes are those of the seeds (seeds/nps_channel_aliases.csv, nps_regions.csv, nps_surveys.csv,
nps_codes.csv).  Only Latin letters with common French accents are used in the values, so that
Python's ``str.lower``/``str.upper``/accent stripping and DuckDB's agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHANNELS: tuple[str, ...] = ("email", "sms", "phone", "web", "chat", "whatsapp", "in_app")
CHANNEL_WEIGHTS = (0.30, 0.13, 0.17, 0.14, 0.10, 0.05, 0.11)
CHANNEL_EFFECT = np.array([0.0, -0.2, -1.0, -0.25, 0.5, 0.35, 0.9])
AGENT_PRESENT = np.array([0.5, 0.45, 1.0, 0.2, 0.95, 0.9, 0.1])
PHONE, CHAT = CHANNELS.index("phone"), CHANNELS.index("chat")

# Exact aliases of seeds/nps_channel_aliases.csv (repetition = weight) and spelled variants that
# reduce to the same key (trim, lower, strip accents, drop spaces, '-' and '_').
CHANNEL_CLEAN: dict[str, tuple[str, ...]] = {
    "email": ("email", "email", "email", "email", "e-mail", "mail", "courriel"),
    "sms": ("sms", "sms", "sms", "sms", "texto", "text", "text message"),
    "phone": ("phone", "phone", "telephone", "téléphone", "ivr", "ivr", "call", "appel", "voice"),
    "web": ("web", "web", "web", "website", "site web", "web survey", "link", "lien", "online"),
    "chat": ("chat", "chat", "chat", "live chat", "webchat"),
    "whatsapp": ("whatsapp",),
    "in_app": ("in_app", "in_app", "in-app", "app", "mobile app", "application"),
}
CHANNEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "email": (
        "E-Mail",
        "EMAIL",
        "Email",
        "E-mail",
        "e_mail",
        " email",
        "email ",
        "É-mail",
        "Courriel",
        "COURRIEL",
        "Mail",
        "\tEmail",
    ),
    "sms": ("SMS", "Sms", " sms ", "Texto", "TEXTO", "Text Message", "text-message", "Text_Message"),
    "phone": (
        "Téléphone",
        "TÉLÉPHONE",
        "Telephone",
        "Phone",
        "PHONE",
        "IVR",
        "Ivr",
        "Appel",
        "appel ",
        "Call",
        "Voice",
        "télé-phone",
    ),
    "web": (
        "Web",
        "WEB",
        "SITE WEB",
        "Site Web",
        "site-web",
        "site_web",
        "WebSite",
        "Web Survey",
        "web-survey",
        "Lien",
        "Online",
        "on-line",
        " web ",
    ),
    "chat": (
        "Chat",
        "CHAT",
        " live_chat ",
        "Live Chat",
        "live-chat",
        "LiveChat",
        "Web Chat",
        "web_chat",
        "WEBCHAT",
        "chat\t",
    ),
    "whatsapp": ("WhatsApp", "WHATSAPP", "Whats App", "whats-app", "whats_app", " Whatsapp"),
    "in_app": (
        "In-App",
        "IN_APP",
        "in app",
        "In App",
        "APP",
        "App",
        "Mobile App",
        "mobile-app",
        "Application",
        "APPLICATION",
        " in-app ",
    ),
}
UNMAPPED_CHANNELS: tuple[str, ...] = (
    "fax", "Fax", "kiosk", "Kiosk", "QR code", "qr-code", "QR_CODE", "borne", "Borne interactive",
    "courrier", "Courrier postal", "magasin", "En magasin", "Messenger",
)  # fmt: skip

REGIONS: tuple[str, ...] = (
    "ARA", "BFC", "BRE", "CVL", "COR", "GES", "HDF", "IDF", "NOR", "NAQ", "OCC", "PDL", "PAC",
)  # fmt: skip
REGION_WEIGHTS = (0.12, 0.04, 0.05, 0.04, 0.005, 0.08, 0.09, 0.19, 0.05, 0.09, 0.09, 0.06, 0.08)
REGION_EFFECT = np.array([0.1, 0.05, 0.35, 0.0, 0.2, -0.1, -0.25, -0.35, 0.05, 0.15, 0.1, 0.25, -0.15])
UNKNOWN_REGIONS: tuple[str, ...] = ("DOM", "dom", "REU", "GUA", " MC ")

SEGMENTS: tuple[str, ...] = ("consumer", "smb", "mid_market", "enterprise")
SEGMENT_WEIGHTS = (0.60, 0.22, 0.12, 0.06)
SEGMENT_EFFECT = np.array([0.1, 0.25, -0.15, -0.5])
SEGMENT_VARIANTS: dict[str, tuple[str, ...]] = {
    "consumer": ("Consumer", "CONSUMER", " consumer", "consumer ", "Consumer\t"),
    "smb": ("SMB", "Smb", " smb ", "SMB "),
    "mid_market": ("Mid_Market", "MID_MARKET", " mid_market", "Mid_market "),
    "enterprise": ("Enterprise", "ENTERPRISE", "enterprise ", " Enterprise"),
}
OFF_LIST_SEGMENTS: tuple[str, ...] = ("public_sector", "Public_Sector", "partner")

SURVEYS_BY_CHANNEL: dict[str, tuple[str, ...]] = {
    "email": ("RNPS-2026", "RNPS-2026", "TNPS-STORE", "TNPS-DELIVERY"),
    "sms": ("TNPS-STORE", "TNPS-STORE", "TNPS-DELIVERY", "RNPS-2026"),
    "phone": ("TNPS-CALL",),
    "web": ("RNPS-2026", "TNPS-WEB", "TNPS-WEB"),
    "chat": ("TNPS-CHAT",),
    "whatsapp": ("TNPS-CHAT", "TNPS-DELIVERY"),
    "in_app": ("TNPS-APP",),
}


@dataclass(frozen=True)
class Survey:
    """A row of the nps_surveys seed."""

    survey_id: str
    survey_type: str
    touchpoint: str
    brand: str
    business_unit: str


SURVEYS: tuple[Survey, ...] = (
    Survey("RNPS-2026", "relationship", "relationship", "nova", "corporate"),
    Survey("TNPS-STORE", "transactional", "store", "nova", "retail"),
    Survey("TNPS-DELIVERY", "transactional", "delivery", "nova_express", "logistics"),
    Survey("TNPS-CALL", "transactional", "call", "nova", "customer_service"),
    Survey("TNPS-WEB", "transactional", "web", "nova", "digital"),
    Survey("TNPS-CHAT", "transactional", "chat", "nova", "customer_service"),
    Survey("TNPS-APP", "transactional", "app", "nova", "digital"),
)
SURVEY_IDS: tuple[str, ...] = tuple(s.survey_id for s in SURVEYS)

# Code lists of the nps_codes seed.
TOUCHPOINTS: tuple[str, ...] = ("relationship", "store", "delivery", "call", "web", "chat", "app")
BRANDS: tuple[str, ...] = ("nova", "nova_express")
BUSINESS_UNITS: tuple[str, ...] = ("corporate", "retail", "logistics", "customer_service", "digital")
LOYALTY_TIERS: tuple[str, ...] = ("bronze", "silver", "gold", "platinum")
TEAMS: tuple[str, ...] = ("team_a", "team_b", "team_c", "team_d", "team_e", "team_f")
SITES: tuple[str, ...] = ("nantes", "lille", "lyon", "rennes")
