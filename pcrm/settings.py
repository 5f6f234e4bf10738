"""One env-driven settings module.

Every knob is an environment variable prefixed ``PCRM_``. The defaults give a
working single-machine install (embedded SQLite under ``var/``, development keys
generated on first use); production sets ``PCRM_ENV=production`` and supplies
the database URL, the secret key and the field-encryption keys explicitly.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PRODUCTION = env_str("PCRM_ENV", "development") == "production"
DATA_DIR = Path(env_str("PCRM_DATA_DIR", str(BASE_DIR.parent / "var")))


def _dev_secret(filename: str, make: str) -> str:
    """Read or create a development-only secret under DATA_DIR.

    Production must pass secrets through the environment; a generated file there
    would silently change keys between machines and lose data.
    """
    if PRODUCTION:
        raise ImproperlyConfigured(f"{filename} must be set in the environment in production")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(make, encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_str("PCRM_SECRET_KEY") or _dev_secret("secret-key", secrets.token_urlsafe(50))
# Field-encryption keys: "id:base64key" pairs, comma separated, newest first.
# The first key encrypts; every listed key decrypts (rotation).
FIELD_ENCRYPTION_KEYS = env_str("PCRM_FIELD_KEYS") or _dev_secret(
    "field-keys", "k1:" + __import__("base64").b64encode(secrets.token_bytes(32)).decode()
)
BLIND_INDEX_KEY = env_str("PCRM_BLIND_INDEX_KEY") or _dev_secret(
    "blind-index-key", secrets.token_urlsafe(32)
)

DEBUG = env_bool("PCRM_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "PCRM_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("PCRM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "pcrm.audit",
    "pcrm.org",
    "pcrm.customers",
    "pcrm.worklist",
    "pcrm.notify",
    "pcrm.ingest",
    "pcrm.acquisition",
    "pcrm.campaigns",
    "pcrm.value",
    "pcrm.complaints",
    "pcrm.retention",
    "pcrm.training",
    "pcrm.playbook",
    "pcrm.workbench",
    "pcrm.reports",
    "pcrm.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pcrm.org.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pcrm.urls"
ASGI_APPLICATION = "pcrm.asgi.application"
AUTH_USER_MODEL = "org.Staff"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "account_login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pcrm.org.context_processors.navigation",
            ],
            # Project-wide template tags that belong to no app.
            "libraries": {"pager": "pcrm.lib.pager"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("PCRM_DATABASE_URL", f"sqlite:///{DATA_DIR / 'pcrm.sqlite3'}"),
        conn_max_age=env_int("PCRM_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while an import or the playbook writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif env_bool("PCRM_DB_POOL", True) and not DATABASES["default"]["CONN_MAX_AGE"]:
    # A pool: uvicorn runs sync views in fresh threads, so without one every request
    # would open a new PostgreSQL connection. (Django refuses a pool together with
    # persistent connections, PCRM_DB_CONN_MAX_AGE.) Each connection is checked as it
    # leaves the pool, so that a database restart costs no request an error.
    from psycopg_pool import ConnectionPool

    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": env_int("PCRM_DB_POOL_MIN", 2),
            "max_size": env_int("PCRM_DB_POOL_MAX", 20),
            "check": ConnectionPool.check_connection,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = env_list("PCRM_PASSWORD_HASHERS") or [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Sign-in: staff code + password; TOTP for privileged roles (see org.middleware).
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "staff_code"
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "pcrm.org.adapters.StaffAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("PCRM_BANK_NAME", "PCRM")

AXES_FAILURE_LIMIT = env_int("PCRM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("PCRM_LOGIN_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "org/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("PCRM_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "pcrm.org.api_auth.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "pcrm.lib.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PCRM API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

UNFOLD = {
    "SITE_TITLE": env_str("PCRM_BANK_NAME", "PCRM"),
    "SITE_HEADER": env_str("PCRM_BANK_NAME", "PCRM"),
}

# Content Security Policy: every asset is served from this origin.
from django.utils.csp import CSP  # noqa: E402  (import beside the setting it builds)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],  # Alpine evaluates x- attributes
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("PCRM_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("PCRM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("PCRM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

MAILERS = {
    "default": {
        "BACKEND": env_str(
            "PCRM_EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        )
    }
}
DEFAULT_FROM_EMAIL = env_str("PCRM_FROM_EMAIL", "pcrm@localhost")
SMS_BACKEND = env_str("PCRM_SMS_BACKEND", "pcrm.notify.backends.outbox.OutboxBackend")
# Base of the links sent to customers (satisfaction surveys: <PUBLIC_URL>/s/<token>/).
PUBLIC_URL = env_str("PCRM_PUBLIC_URL", "http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "pcrm.lib.masking.MaskingLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_pii"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("PCRM_LOG_LEVEL", "WARNING")},
}
