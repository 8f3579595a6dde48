"""Landing: the exports of survey tools and CRM extracts into the raw tables of any engine.

``load_landing`` reads the landing config (``landing.yml``, ``NPS_LANDING_CONFIG``, else the
files of ``NPS_RAW_RESPONSES``), checks every new file, and writes its rows, with their lineage
and a load log, into the raw tables dbt stages. One module per job: ``config`` (feeds and their
settings), ``presets`` (survey tools' export formats), ``files`` (finding, fingerprinting and
checking files), ``reader`` (a file as raw rows), ``raw_tables`` (each engine's tables),
``loader`` (the load).
"""

from nps_warehouse.landing.config import Feed, LandingConfig, load_config
from nps_warehouse.landing.errors import LandingConfigError, LandingError, LandingFileError
from nps_warehouse.landing.loader import LoadReport, load_landing
from nps_warehouse.landing.reader import LINEAGE_COLUMNS, raw_columns

__all__ = [
    "LINEAGE_COLUMNS",
    "Feed",
    "LandingConfig",
    "LandingConfigError",
    "LandingError",
    "LandingFileError",
    "LoadReport",
    "load_config",
    "load_landing",
    "raw_columns",
]
