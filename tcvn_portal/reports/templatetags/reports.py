"""Figures as Vietnamese documents write them: 1.234.567 and 12,5."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def figure(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        whole, _dot, fraction = f"{value:,.1f}".partition(".")
        return f"{whole.replace(',', '.')},{fraction}"
    return f"{int(value):,}".replace(",", ".")


@register.simple_tag
def change(value, previous) -> str:
    """The difference with the previous year, signed; blank when there is nothing to compare."""
    if previous is None:
        return ""
    difference = Decimal(value) - Decimal(previous)
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    return format_html("{}{}", sign, figure(abs(difference)))


@register.simple_tag
def chart_for(charts: dict, section: str, part: str) -> str:
    """The chart as a data: URI for an <img>: inline SVG carries style attributes the CSP refuses."""
    from tcvn_portal.reports.charts import data_uri

    svg = charts.get(f"{section}.{part}", "")
    return data_uri(svg) if svg else ""
