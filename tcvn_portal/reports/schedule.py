"""The beat schedule, kept in the database (django_celery_beat), and the record of each run.

Beat calls `reports.tasks.run_job` with the name of the real task; it runs that task once per day
(a second delivery of the same day's run is skipped), writing a JobRun with its outcome. Every domain's
reminder sweep is found by name (`<app>.tasks.sweep_<what>`), so a domain that adds one is scheduled
by the next `setup_schedule` without editing this file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobRun

RUN_JOB = "reports.tasks.run_job"
DOMAIN_APPS = ("inspections", "metrology", "iso_qms", "traceability", "tcvn_portal.notifications")


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    hour: str = "6"
    minute: str = "0"
    day_of_month: str = "*"
    month_of_year: str = "*"


def jobs() -> list[Job]:
    """Every job beat runs: the domains' reminder sweeps (daily) and last year's reports (5 January)."""
    from celery import current_app

    current_app.loader.import_default_modules()
    sweeps = sorted(
        name
        for name in current_app.tasks
        if name.startswith(tuple(f"{app}.tasks.sweep_" for app in DOMAIN_APPS))
    )
    found = [Job(name=f"{task} (daily)", task=task) for task in sweeps]
    found.append(
        Job(
            name="reports.tasks.build_last_year_reports (5 January)",
            task="reports.tasks.build_last_year_reports",
            hour="2",
            day_of_month="5",
            month_of_year="1",
        )
    )
    return found


def setup_schedule(apps=None) -> list[str]:
    """Creates or updates the PeriodicTask of every job; idempotent. Returns the job names.

    `apps` is a migration's app registry when called from the data migration.
    """
    if apps is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask
    else:
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")  # noqa: N806
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")  # noqa: N806
    names = []
    for job in jobs():
        kwargs = json.dumps({"job": job.task})
        # A domain may have scheduled its task itself, called directly: adopt that entry (its name and
        # time) so the job runs once, through the recorder.
        direct = PeriodicTask.objects.filter(task=job.task)
        entry = PeriodicTask.objects.filter(task=RUN_JOB, kwargs=kwargs).first() or direct.first()
        if entry is None:
            crontab, _created = CrontabSchedule.objects.get_or_create(
                minute=job.minute,
                hour=job.hour,
                day_of_week="*",
                day_of_month=job.day_of_month,
                month_of_year=job.month_of_year,
                timezone="Asia/Ho_Chi_Minh",
            )
            entry = PeriodicTask(name=job.name, crontab=crontab, enabled=True)
        entry.task, entry.kwargs = RUN_JOB, kwargs
        entry.save()
        direct.exclude(pk=entry.pk).update(enabled=False)
        names.append(entry.name)
    if apps is None:
        from django_celery_beat.models import PeriodicTasks

        PeriodicTasks.update_changed()  # a running beat re-reads the schedule
    return names


def run_recorded(*, job: str, run_key: str | None, runner: Callable[[], object]) -> str:
    """Runs `runner` unless this job already succeeded under `run_key` (today by default)."""
    key = run_key or timezone.localdate().isoformat()
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job, run_key=key, started_at=timezone.now())
    except IntegrityError:
        run = JobRun.objects.get(job=job, run_key=key)
        if run.outcome == JobRun.Outcome.OK:
            return "skipped"
        # Failed, or left running by a worker that died: the jobs are idempotent, so run it again.
        run.started_at = timezone.now()
        run.outcome = JobRun.Outcome.RUNNING
    try:
        result = runner()
    except Exception as exc:
        run.outcome, run.detail = JobRun.Outcome.FAILED, f"{type(exc).__name__}: {exc}"[:500]
    else:
        run.outcome, run.detail = JobRun.Outcome.OK, str(result)[:500]
    run.finished_at = timezone.now()
    run.save()
    return run.outcome
