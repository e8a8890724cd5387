"""The newcomer's machine: `make run`."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
TCVN_REQUIRE_MFA_FOR_OFFICIALS = env_bool("TCVN_REQUIRE_MFA_FOR_OFFICIALS", False)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
