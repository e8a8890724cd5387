"""Beat flushes the outbox every minute (django_celery_beat's database schedule, like reports/schedule.py).

Not through `reports.tasks.run_job`: that records one run a day, and the flush must run every minute.
"""

from __future__ import annotations

NAME = "outbox.tasks.flush (every minute)"


def setup_schedule(apps=None) -> str:
    """Creates or updates the flush's PeriodicTask; idempotent. `apps` is a migration's app registry."""
    from .tasks import FLUSH

    if apps is None:
        from django_celery_beat.models import IntervalSchedule, PeriodicTask
    else:
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")  # noqa: N806
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")  # noqa: N806
    every_minute, _created = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": FLUSH, "interval": every_minute, "crontab": None, "enabled": True}
    )
    if apps is None:
        from django_celery_beat.models import PeriodicTasks

        PeriodicTasks.update_changed()  # a running beat re-reads the schedule
    return NAME
