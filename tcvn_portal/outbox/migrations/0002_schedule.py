"""Beat flushes the outbox every minute."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    from tcvn_portal.outbox.schedule import setup_schedule

    setup_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
