"""Formatting of money in Vietnamese style (3.000.000), which Django's vi locale does not group."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.0f}".replace(",", ".")
