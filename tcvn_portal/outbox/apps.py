from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "tcvn_portal.outbox"
    label = "outbox"
    verbose_name = _("Task outbox")

    def ready(self) -> None:
        from celery.signals import worker_ready

        from .tasks import flush_when_worker_starts

        worker_ready.connect(flush_when_worker_starts, weak=False, dispatch_uid="tcvn-outbox-flush-on-start")
