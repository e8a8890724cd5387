"""An instrument's validity as a tag, drawn in Python: the instrument list draws one per row."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from metrology.models import Instrument

register = template.Library()


@register.simple_tag(takes_context=True)
def validity(context, instrument) -> str:
    """Retired, failed, without a date, overdue, due soon (the context's `soon`) or in force."""
    today, soon = context["today"], context["soon"]
    if instrument.status == Instrument.Status.RETIRED:
        css, label = "tag", gettext("Retired")
    elif instrument.last_result == Instrument.Result.FAILED:
        css, label = "tag tag--bad", pgettext("metrology", "Failed")
    elif not instrument.valid_until:
        css, label = "tag", gettext("No validity date")
    elif instrument.valid_until < today:
        css, label = "tag tag--bad", gettext("Overdue")
    elif instrument.valid_until <= soon:
        css, label = "tag tag--warn", gettext("Due soon")
    else:
        css, label = "tag tag--ok", pgettext("metrology", "In force")
    return format_html('<span class="{}">{}</span>', css, label)
