from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tcvn_portal.core"
    label = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from tcvn_portal.api_schema import name_colliding_enums

        name_colliding_enums()
