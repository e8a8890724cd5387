"""What each metrology list exports to Excel (`?export=xlsx`): its columns, headers in Vietnamese.

The rows are always the page's own filtered, role-scoped queryset (see views.py); list_export writes them.
Column getters read only what the view's queryset already selected or prefetched, so an export costs the
same few queries whatever its length.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from tcvn_portal.reports.list_export import Column

from .models import Instrument, InstrumentType, Verification


def validity_label(instrument: Instrument, *, today: date, soon: date) -> str:
    """The "State" the list page shows (metrology/_validity.html), in words."""
    if instrument.status == Instrument.Status.RETIRED:
        return gettext("Retired")
    if instrument.last_result == Instrument.Result.FAILED:
        return pgettext("metrology", "Failed")
    if not instrument.valid_until:
        return gettext("No validity date")
    if instrument.valid_until < today:
        return gettext("Overdue")
    if instrument.valid_until <= soon:
        return gettext("Due soon")
    return pgettext("metrology", "In force")


def instrument_columns(*, today: date, soon: date) -> tuple[Column, ...]:
    return (
        Column(gettext_lazy("Instrument type"), lambda i: i.instrument_type.name),
        Column(gettext_lazy("Owner"), lambda i: i.owner.name),
        Column(pgettext_lazy("metrology export", "Tax code"), lambda i: i.owner.tax_code),
        Column(gettext_lazy("Maker"), lambda i: i.maker),
        Column(gettext_lazy("Model"), lambda i: i.model),
        Column(gettext_lazy("Serial number"), lambda i: i.serial),
        Column(gettext_lazy("Accuracy class"), lambda i: i.accuracy_class),
        Column(gettext_lazy("Measuring range"), lambda i: i.measuring_range),
        Column(gettext_lazy("Type approval number"), lambda i: i.type_approval_number),
        Column(gettext_lazy("Installed at"), lambda i: i.location),
        Column(gettext_lazy("Seal numbers"), lambda i: i.seal_numbers),
        Column(pgettext_lazy("metrology export", "Commune"), lambda i: i.commune.name if i.commune else ""),
        Column(pgettext_lazy("metrology export", "Market"), lambda i: i.market.name if i.market else ""),
        Column(pgettext_lazy("metrology export", "Status"), lambda i: i.get_status_display()),
        Column(gettext_lazy("Last verified on"), lambda i: i.last_verified_on),
        Column(
            pgettext_lazy("metrology export", "Result"),
            lambda i: i.get_last_result_display() if i.last_result else "",
        ),
        Column(gettext_lazy("Valid until"), lambda i: i.valid_until),
        Column(
            pgettext_lazy("metrology export", "State"),
            lambda i: validity_label(i, today=today, soon=soon),
        ),
    )


def _verification_result(verification: Verification) -> str:
    if verification.archived_at:
        return gettext("Annulled")
    return verification.get_result_display()


VERIFICATION_COLUMNS = (
    Column(gettext_lazy("Verified on"), lambda v: v.verified_on),
    Column(gettext_lazy("Instrument type"), lambda v: v.instrument.instrument_type.name),
    Column(gettext_lazy("Serial number"), lambda v: v.instrument.serial),
    Column(gettext_lazy("Owner"), lambda v: v.instrument.owner.name),
    Column(pgettext_lazy("metrology export", "Kind"), lambda v: v.get_kind_display()),
    Column(pgettext_lazy("metrology export", "Result"), _verification_result),
    Column(
        pgettext_lazy("metrology export", "Follow-up open"), lambda v: v.needs_follow_up and not v.archived_at
    ),
    Column(gettext_lazy("Stamp number"), lambda v: v.stamp_number),
    Column(gettext_lazy("Certificate number"), lambda v: v.certificate_number),
    Column(gettext_lazy("Valid until"), lambda v: v.valid_until),
    Column(gettext_lazy("Verifier"), lambda v: v.verifier),
    Column(gettext_lazy("Verifying body"), lambda v: v.verifying_body),
)

REQUEST_COLUMNS = (
    Column(gettext_lazy("Sent"), lambda r: r.created_at),
    Column(gettext_lazy("Instrument type"), lambda r: r.instrument.instrument_type.name),
    Column(gettext_lazy("Serial number"), lambda r: r.instrument.serial),
    Column(gettext_lazy("Owner"), lambda r: r.instrument.owner.name),
    Column(pgettext_lazy("metrology export", "Kind"), lambda r: r.get_kind_display()),
    Column(pgettext_lazy("metrology export", "Status"), lambda r: r.get_status_display()),
    Column(gettext_lazy("Preferred date"), lambda r: r.preferred_date),
    Column(gettext_lazy("Scheduled for"), lambda r: r.scheduled_for),
)


def _latest_rule(instrument_type: InstrumentType):
    # The page shows the type's newest rule (rules are ordered newest first and prefetched).
    return next(iter(instrument_type.rules.all()), None)


TYPE_COLUMNS = (
    Column(pgettext_lazy("metrology export", "Name"), lambda t: t.name),
    Column(pgettext_lazy("metrology export", "Code"), lambda t: t.code),
    Column(gettext_lazy("Cycle in force (months)"), lambda t: getattr(_latest_rule(t), "cycle_months", None)),
    Column(gettext_lazy("In force from"), lambda t: getattr(_latest_rule(t), "valid_from", None)),
    Column(gettext_lazy("Must be verified"), lambda t: getattr(_latest_rule(t), "must_verify", False)),
    Column(
        gettext_lazy("To be checked against the circular in force"),
        lambda t: getattr(_latest_rule(t), "needs_checking", False),
    ),
)

MARKET_COLUMNS = (
    Column(pgettext_lazy("metrology export", "Name"), lambda m: m.name),
    Column(pgettext_lazy("metrology export", "Commune"), lambda m: m.commune.name if m.commune else ""),
    Column(pgettext_lazy("metrology export", "Address"), lambda m: m.address),
)

CAMPAIGN_COLUMNS = (
    Column(pgettext_lazy("metrology export", "Year"), lambda c: c.year),
    Column(pgettext_lazy("metrology export", "Name"), lambda c: c.name),
    Column(gettext_lazy("Starts on"), lambda c: c.starts_on),
    Column(gettext_lazy("Ends on"), lambda c: c.ends_on),
)

IMPORT_COLUMNS = (
    Column(pgettext_lazy("metrology export", "File"), lambda j: j.file_name),
    Column(gettext_lazy("Rows"), lambda j: j.total_rows),
    Column(pgettext_lazy("metrology export", "Status"), lambda j: j.get_status_display()),
    Column(gettext_lazy("Instruments created"), lambda j: j.created_count),
    Column(pgettext_lazy("metrology export", "Uploaded"), lambda j: j.created_at),
    Column(gettext_lazy("Uploaded by"), lambda j: str(j.created_by)),
)
