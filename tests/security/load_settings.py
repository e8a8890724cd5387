"""The test settings with production's database connections (base.py: kept 60 s, health-checked), for
the portal the load test serves: what 200 clients cost PostgreSQL is what they would cost in production."""

from tcvn_portal.settings.test import *  # noqa: F403
from tcvn_portal.settings.test import DATABASES

DATABASES["default"] = {**DATABASES["default"], "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
