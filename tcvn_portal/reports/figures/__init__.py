"""The figures of the annual report and the statistics page, one module per domain.

Each module has `figures(*, year, commune=None, period=None) -> dict`, aggregated in SQL over the active
tenant, for the year asked and the same span of the previous year:

    {"key": "inspections", "title": "…",
     "metrics": [{"key": "inspections", "label": "…", "value": 12, "previous": 9}, …],
     "breakdowns": [{"key": "by_type", "title": "…", "rows": [{"label": "…", "value": 3, "previous": 1}]}]}

Metric keys are stable: the national roll-up puts the same key of every province side by side.
"""

from __future__ import annotations

from . import inspections, iso_qms, metrology, outreach, traceability

DOMAINS = (inspections, metrology, iso_qms, traceability, outreach)


def all_figures(*, year: int, commune=None, period: str | None = None) -> list[dict]:
    return [domain.figures(year=year, commune=commune, period=period) for domain in DOMAINS]
