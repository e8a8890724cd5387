"""Production: every secret and host from the environment; HTTPS everywhere; no state on the machine.

The database (PostgreSQL as the non-owner app role) and Redis (cache and Celery broker) are required:
the embedded SQLite file and filesystem broker of `make run` would keep state on one web machine.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

for _name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production (see README.md).")

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
TCVN_REQUIRE_MFA_FOR_OFFICIALS = env_bool("TCVN_REQUIRE_MFA_FOR_OFFICIALS", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Health checks come over plain HTTP from the orchestrator, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
