"""Django settings for Stanchion, configured from environment variables.

Every variable is documented in docs/configuration.md. The defaults give a
working single-machine install on SQLite with everything under ``var/``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name, default=None):
    return os.environ.get(f"STANCHION_{name}", default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key():
    """Generated once and kept under var/, so sessions survive restarts."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "stanchion.core",
    "stanchion.accounts",
    "stanchion.catalog",
    "stanchion.tickets",
    "stanchion.notifications",
    "stanchion.metrics",
    "stanchion.changes",
    "stanchion.majorincidents",
    "stanchion.problems",
    "stanchion.knowledge",
    "stanchion.api",
    "stanchion.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ from the apps' static folders, with or without DEBUG, so
    # the product runs in closed networks with no CDN and no collectstatic.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stanchion.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stanchion.urls"
WSGI_APPLICATION = "stanchion.wsgi.application"

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
                "stanchion.web.context_processors.navigation",
            ],
        },
    },
]

# SQLite: WAL so readers never block the writer, IMMEDIATE transactions so two
# writers queue on the lock instead of failing with "database is locked" when
# one of them upgrades a read transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
}

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "stanchion.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_SQLITE_PATH")
elif env("TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without colliding.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DB_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login rate limiting: five failures for one account from one address lock
# that pair out for fifteen minutes.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form's field is "username" (Django's AuthenticationForm) even
# though it holds the email; axes would otherwise look for "email", find
# nothing, and never lock the account.
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and BASE_URL.startswith("https"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(env("SESSION_HOURS", "12")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env("PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (env("PROXY_SSL_HEADER"), "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
# Some indexes carry extra columns (INCLUDE) so PostgreSQL answers KPI
# queries from the index alone; SQLite builds them without the extras, which
# is what Django warns about on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Weeks, months and quarters of KPIs and reviews start at midnight here.
REPORT_TIME_ZONE = env("REPORT_TIME_ZONE", "Europe/Berlin")
# KPI numbers of periods that are over are kept this long (trends on the
# dashboard); the running period is always computed afresh. 0 turns it off.
KPI_CACHE_SECONDS = int(env("KPI_CACHE_SECONDS", "300"))
# KPIs of the service desk kept per day (stanchion.metrics.rollups), rolled
# up by a periodic job; "0" computes every number from the records alone.
KPI_ROLLUPS = env_bool("KPI_ROLLUPS", True)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "uploads"
MEDIA_URL = "/media/"

EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "Stanchion <stanchion@localhost>")
# Until an SMTP server is configured, email is written to the console (the
# demo company's people have no mailboxes); with STANCHION_EMAIL_HOST set it
# goes out over SMTP.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)

# Audit entries younger than this are never pruned (docs/audit.md).
AUDIT_RETENTION_DAYS = max(400, int(env("AUDIT_RETENTION_DAYS", "400")))

# Tickets: how long after resolution a requester or agent may reopen one,
# and the attachment limits (docs/service-desk.md).
TICKET_REOPEN_DAYS = int(env("TICKET_REOPEN_DAYS", "7"))
ATTACHMENT_MAX_BYTES = int(float(env("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024)
# Resolved tickets the requester does not reopen are closed this many days
# later by the SLA job; satisfaction links work this long (docs/notifications.md).
TICKET_AUTO_CLOSE_DAYS = int(env("TICKET_AUTO_CLOSE_DAYS", "5"))
CSAT_LINK_DAYS = int(env("CSAT_LINK_DAYS", "30"))
SLA_CHECK_SECONDS = int(env("SLA_CHECK_SECONDS", "60"))
# Stored Idempotency-Key answers are forgotten after this many days.
IDEMPOTENCY_KEY_DAYS = int(env("IDEMPOTENCY_KEY_DAYS", "7"))
# "auto": email goes out from this process's background thread (inline when
# none runs); "worker": web processes only queue it for ``stanchion worker``.
EMAIL_DELIVERY = env("EMAIL_DELIVERY", "auto")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "stanchion.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["stanchion.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "stanchion.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "stanchion.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stanchion API",
    "DESCRIPTION": "The REST API of Stanchion. Errors always have the shape "
    '{"error": {"code", "message", "fields"}}.',
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Services and teams both have a "tier", with different choices.
    "ENUM_NAME_OVERRIDES": {"ServiceTierEnum": "stanchion.catalog.choices.ServiceTier.choices"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "stanchion.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
