"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TCVN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-dev-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Our apps come before allauth so that their templates override allauth's.
    "tcvn_portal.core",
    "tcvn_portal.accounts",
    "tcvn_portal.tenancy",
    "tcvn_portal.audit",
    "tcvn_portal.attachments",
    "tcvn_portal.notifications",
    "tcvn_portal.reports",
    "tcvn_portal.outbox",
    "inspections",
    "metrology",
    "iso_qms",
    "traceability",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tcvn_portal.core.csp.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Opens the request's transaction and sets the tenant for RLS; everything below runs inside it.
    "tcvn_portal.tenancy.middleware.TenantMiddleware",
    # A cache invalidation that failed: 503 "try again", the transaction rolled back.
    "tcvn_portal.outbox.middleware.CacheUnavailableMiddleware",
    "tcvn_portal.accounts.middleware.RequireMfaForOfficialsMiddleware",
]

ROOT_URLCONF = "tcvn_portal.urls"
WSGI_APPLICATION = "tcvn_portal.wsgi.application"

# Selects and inputs drawn in Python (same markup): a hundred-commune filter cost more than its table.
FORM_RENDERER = "tcvn_portal.core.renderers.PortalFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tcvn_portal.tenancy.context_processors.tenancy",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# A search matches a typo down to this word similarity (core.search). Set when a connection starts, so
# the trigram index answers the match with no extra round trip.
WORD_SIMILARITY = 0.5
POSTGRES_STARTUP = f"-c pg_trgm.word_similarity_threshold={WORD_SIMILARITY}"


def with_startup_options(alias: dict) -> dict:
    """The alias with POSTGRES_STARTUP added to any startup options its URL already gave."""
    given = alias.get("OPTIONS", {}).get("options", "")
    return {
        **alias,
        "OPTIONS": {**alias.get("OPTIONS", {}), "options": f"{given} {POSTGRES_STARTUP}".strip()},
    }


# DATABASE_URL is the application's role: it owns no table and lacks BYPASSRLS, so PostgreSQL's
# row-level security holds under every query. DATABASE_OWNER_URL owns the tables and runs migrations.
# With neither set the portal runs on an embedded SQLite file (the demo and a small office).
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        ),
        "owner": dj_database_url.parse(
            os.environ.get("DATABASE_OWNER_URL", os.environ["DATABASE_URL"]), conn_max_age=0
        ),
    }
    DATABASES = {name: with_startup_options(alias) for name, alias in DATABASES.items()}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _sqlite = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "tcvn.sqlite3",
        # WAL and IMMEDIATE let the web process and the worker write side by side without
        # "database is locked".
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
    DATABASES = {"default": _sqlite, "owner": dict(_sqlite)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker ---------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Reads degrade to misses while Redis is down; invalidations never fail silently.
            "BACKEND": "tcvn_portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tcvn",
        }
    }
else:
    # Shared by the web process and the worker, so rate limits and progress survive across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tcvn_cache",
        }
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery-queue"
    for _sub in ("in", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "in"),
        "data_folder_out": str(_queue_dir / "in"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than the longest task, so a task acknowledged late is not handed out twice meanwhile.
    # socket_connect_timeout: a request publishing to a broker that does not answer waits 2 s, then the
    # task goes to the outbox (tcvn_portal/outbox).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600, "socket_connect_timeout": 2}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# A render worker's child process is replaced once it holds more than this (KiB): WeasyPrint grows with pages.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000))
# PDF rendering has its own queue, so a long report never delays reminders or imports.
CELERY_TASK_ROUTES = {"reports.tasks.build_annual_report": {"queue": "reports"}}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_ADAPTER = "tcvn_portal.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "tcvn_portal.accounts.forms.BusinessSignupForm"}
# After five failed logins an address is locked out for fifteen minutes; an IP after twenty a minute.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("TCVN_LOGIN_FAILED_LIMIT", "20/m/ip,5/15m/key"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "TCVN Portal"
# One 30-second step either side (RFC 6238 §5.2): a code typed as the step turns is not refused.
MFA_TOTP_TOLERANCE = 1
# Officials must enrol TOTP before they reach any page; the demo may turn this off.
TCVN_REQUIRE_MFA_FOR_OFFICIALS = env_bool("TCVN_REQUIRE_MFA_FOR_OFFICIALS", True)

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("TCVN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # stored files are served only through permission-checked views

if os.environ.get("TCVN_S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["TCVN_S3_BUCKET"],
            "endpoint_url": os.environ.get("TCVN_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("TCVN_S3_REGION") or None,
            "access_key": os.environ.get("TCVN_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("TCVN_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
TCVN_UPLOAD_MAX_BYTES = int(os.environ.get("TCVN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "TCVN Portal <no-reply@tcvn.local>")

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tcvn_portal.api_auth.TenantTokenAuthentication",
        # Session users act in the tenant TenantMiddleware chose for the browser.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tcvn_portal.api_auth.HasTenantPermission"],
    "DEFAULT_PAGINATION_CLASS": "tcvn_portal.api_pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("TCVN_API_ANON_RATE", "60/min"),
        "user": os.environ.get("TCVN_API_USER_RATE", "600/min"),
    },
    "EXCEPTION_HANDLER": "tcvn_portal.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TCVN Portal API",
    "DESCRIPTION": "API of the provincial standards, metrology and quality portal (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names ("kind", "result") other apps use too: named here once.
    # Filled at start-up by tcvn_portal.api_schema.name_colliding_enums(): one name per distinct choice set.
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tcvn_portal.api_schema.document_error_responses",
    ],
}

# --- Security defaults (production.py tightens) -------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: an injected <script> or style="" is refused by the browser.
# Charts are SVG images (data: URIs); everything else comes from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

TCVN_SITE_NAME = "TCVN Portal"
# Where emails link to (notification links are paths; mail needs the full address).
TCVN_SITE_URL = os.environ.get("TCVN_SITE_URL", "http://localhost:8000")
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/")
