"""The Celery app. Tasks that touch tenant data are declared with @tenant_task (tenancy/tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcvn_portal.settings.local")

app = Celery("tcvn_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
