"""Beat's schedule: a periodic task for every job (the domains' sweeps, last year's reports on 5 January)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    from tcvn_portal.reports.schedule import setup_schedule

    setup_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        # The sweeps are found among the domains' registered tasks; their tables come first.
        ("metrology", "0002_reminder_schedule"),
        ("iso_qms", "0002_reminder_schedule"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
