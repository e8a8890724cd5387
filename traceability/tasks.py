"""Background work of the traceability domain; each task fetches its inputs and calls a service."""

from __future__ import annotations

from tcvn_portal.tenancy.tasks import tenant_task

from .models import StampSeries


@tenant_task(time_limit=3600, soft_time_limit=3300)
def issue_series(*, series_id: int) -> None:
    from . import services

    series = StampSeries.objects.filter(pk=series_id).first()
    if series is not None:
        services.issue_stamps(series=series)


@tenant_task(time_limit=600, soft_time_limit=540)
def build_print_pack(*, series_id: int) -> None:
    """The CSV first, committed on its own so the printer can download it at once; then the labels."""
    from . import printpack

    series = StampSeries.objects.filter(pk=series_id).first()
    if series is not None:
        printpack.build_csv(series=series)
        build_print_labels.delay_for(series.tenant_id, series_id=series.pk)


# A million labels take about 40 minutes on an idle core (printpack.py); the limit leaves room for a busy
# one and stays under the broker's 3-hour visibility timeout, so the task is never handed out twice.
@tenant_task(time_limit=9000, soft_time_limit=8700)
def build_print_labels(*, series_id: int) -> None:
    from . import printpack

    series = StampSeries.objects.filter(pk=series_id).first()
    if series is not None:
        printpack.build_labels(series=series)
