from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tcvn_portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tcvn_portal.tenancy.roles import Role, register_permissions

        from . import dashboard  # noqa: F401  (registers the dashboard card)

        # Every member reads their own notifications; nobody reads anyone else's.
        register_permissions({"notification.view": set(Role)})
