"""Settings, read from the environment (see the README's Configuration section).

MAARID_ENV chooses the profile: ``production`` (strict: SECRET_KEY required, HTTPS),
``demo`` (DEBUG on, console e-mail and SMS) or ``development`` (the default).
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


MAARID_ENV = os.environ.get("MAARID_ENV", "development")
if MAARID_ENV not in {"production", "demo", "development"}:
    raise ImproperlyConfigured("MAARID_ENV must be production, demo or development.")
PRODUCTION = MAARID_ENV == "production"

DATA_DIR = Path(os.environ.get("MAARID_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# The B2B scheduler's compiled kernels are cached on disk; the data directory is writable where
# the installed package (and the service user's home) may not be.
os.environ.setdefault("NUMBA_CACHE_DIR", str(DATA_DIR / "cache" / "numba"))


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when MAARID_ENV=production.")
    # Outside production a key is made once and kept in the data folder, so sessions
    # survive restarts of the demo.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", MAARID_ENV == "demo")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
    "maarid.core",
    "maarid.registry",
    "maarid.fairs",
    "maarid.exhibitors",
    "maarid.catalogue",
    "maarid.floorplan",
    "maarid.sales",
    "maarid.b2b",
    "maarid.programme",
    "maarid.visitors",
    "maarid.awards",
    "maarid.reports",
    "maarid.api",
    "maarid.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "maarid.core.policy.PolicyMiddleware",  # django-csp's, the usual header built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maarid.core.audit.AuditMiddleware",
]

ROOT_URLCONF = "maarid.urls"
WSGI_APPLICATION = "maarid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "maarid.core.context_processors.maarid",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'maarid.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request uses it: after PostgreSQL restarts,
        # the first request of each thread would otherwise fail on a dead connection.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that needs no round trip (see the module).
    DATABASES["default"]["ENGINE"] = "maarid.core.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web workers and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["maarid.core.auth.EmailOrPhoneBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "fairs:home"
LOGOUT_REDIRECT_URL = "fairs:home"

# Failed logins allowed per account and per address before a pause.
MAARID_LOGIN_ATTEMPTS = int(os.environ.get("MAARID_LOGIN_ATTEMPTS", "5"))
MAARID_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("MAARID_LOGIN_LOCKOUT_SECONDS", "900"))
# Password-reset messages (SMS or e-mail) anyone can have sent: allowed per account (every
# spelling of its number or address counts as one) and per client address, in a window.
MAARID_RESET_PER_CONTACT = int(os.environ.get("MAARID_RESET_PER_CONTACT", "3"))
MAARID_RESET_PER_ADDRESS = int(os.environ.get("MAARID_RESET_PER_ADDRESS", "10"))
MAARID_RESET_WINDOW_SECONDS = int(os.environ.get("MAARID_RESET_WINDOW_SECONDS", "3600"))
# Behind a proxy every request comes from the proxy: the throttles then take the client's
# address from the last entry the proxy added to X-Forwarded-For.
MAARID_BEHIND_PROXY = env_bool("MAARID_BEHIND_PROXY", False)

LANGUAGE_CODE = os.environ.get("MAARID_LANGUAGE", "fr")
LANGUAGES = [("ar", "العربية"), ("fr", "Français"), ("en", "English")]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "maarid" / "locale"]
USE_I18N = True
TIME_ZONE = "Africa/Casablanca"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/idb", BASE_DIR / "node_modules" / "idb" / "build"),
    ("vendor/qr-scanner", BASE_DIR / "node_modules" / "qr-scanner"),
    ("vendor/svg-pan-zoom", BASE_DIR / "node_modules" / "svg-pan-zoom" / "dist"),
]
STORAGES = {
    # Uploads go to MEDIA_ROOT (below), outside the static root.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads live outside the static root and are served by views that check permissions.
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/files/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAARID_IMPORT_MAX_BYTES = 10 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "maarid",
        }
    }
    INSTALLED_APPS.append("django_rq")
    INSTALLED_APPS.append("django_tasks_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    # Never per-process memory: throttling must hold across the web workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "maarid_cache",
            # Django's default (300 rows, then a third culled) would throw throttle counters
            # away on a busy day.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Maarid <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS go through a pluggable backend, like e-mail (see maarid.core.messaging).
MAARID_SMS_BACKEND = os.environ.get("MAARID_SMS_BACKEND", "maarid.core.messaging.ConsoleSMSBackend")
MAARID_SMS_URL = os.environ.get("MAARID_SMS_URL", "")
MAARID_SMS_TOKEN = os.environ.get("MAARID_SMS_TOKEN", "")
MAARID_SMS_SENDER = os.environ.get("MAARID_SMS_SENDER", "Maarid")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything comes from this server, as the design says
# (no CDN), so 'self' is the whole list. No inline script, no on…= attribute, no eval: pages set
# data- attributes that static scripts read (core/maarid.js), and server data for a script
# travels in <script type="application/json"> (json_script). No inline style either (no style=
# attribute, no <style>): bars take their length from data-size (core/maarid.css). data: images
# are for the CSS of the API docs (Swagger UI). The sales app's service worker is a same-origin
# script (worker-src). A served upload gets a stricter, sandboxed policy of its own
# (core.uploads.SERVED_FILE_POLICY), which the middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("MAARID_HTTPS_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("MAARID_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("MAARID_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("MAARID_HSTS_PRELOAD", True)
    if MAARID_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        # A proxy in front terminates HTTPS and redirects; Django's own check cannot see that.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

MAARID_SITE_NAME = _("Maarid")
# The public address, for links in messages sent by background tasks (no request to ask).
MAARID_SITE_URL = os.environ.get("MAARID_SITE_URL", "http://127.0.0.1:8000")
MAARID_VERSION = "0.1.0"

# The observatory's open data: a figure of sales or members built from fewer organisations is
# suppressed (reports/opendata_protect.py hides others with it so it cannot be recovered).
OPENDATA_MIN_ORGANISATIONS = int(os.environ.get("MAARID_OPENDATA_MIN_ORGANISATIONS", "3"))
