from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IsoQmsConfig(AppConfig):
    name = "iso_qms"
    verbose_name = _("ISO 9001 and quality award")
