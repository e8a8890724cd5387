"""Tests: real PostgreSQL (as the application role, under RLS) and real Redis.

`scripts/services.sh` finds or starts both and exports TCVN_PG_ADMIN_URL and REDIS_URL; tests/conftest.py
creates the roles and the test database with that admin URL, migrates as the owner and connects as the app.
"""

import os

from .base import *  # noqa: F403

_pg = os.environ.get("TCVN_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TEST_DATABASE_NAME = os.environ.get("TCVN_TEST_DATABASE", "tcvn_test")
_host_part = _pg.split("@", 1)[1].rsplit("/", 1)[0]
DATABASES = {
    "default": dj_database_url.parse(f"postgres://tcvn_app:tcvn_app@{_host_part}/{TEST_DATABASE_NAME}"),  # noqa: F405
    "owner": dj_database_url.parse(f"postgres://tcvn_owner:tcvn_owner@{_host_part}/{TEST_DATABASE_NAME}"),  # noqa: F405
}
DATABASES = {name: with_startup_options(alias) for name, alias in DATABASES.items()}  # noqa: F405
for _alias in DATABASES.values():
    _alias["TEST"] = {"NAME": TEST_DATABASE_NAME}
TCVN_PG_ADMIN_URL = _pg

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
CACHES = {
    "default": {
        "BACKEND": "tcvn_portal.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"tcvn-test-{TEST_DATABASE_NAME}",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "global_keyprefix": f"{TEST_DATABASE_NAME}:",
    "socket_connect_timeout": 2,
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / f"test-media-{TEST_DATABASE_NAME}"  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
TCVN_REQUIRE_MFA_FOR_OFFICIALS = True
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": False, "signup": False}  # noqa: F405
# High enough never to get in a test's way; a fault test lowers the per-user rate for its own portal.
_user_rate = os.environ.get("TCVN_TEST_API_USER_RATE", "10000/min")
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": _user_rate}}  # noqa: F405
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns about a missing directory)
WHITENOISE_USE_FINDERS = True
