"""Django settings for MAST, read from the environment.

Local use needs no configuration: SQLite under var/, a generated secret key, DEBUG off.
Production (MAST_ENVIRONMENT=production) refuses to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import secrets
from datetime import date
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mast.config.paths import NODE_MODULES_DIR, PACKAGE_DIR, VAR_DIR


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("MAST_ENVIRONMENT", "local")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_flag("DEBUG")
# Shown in the phase banner: demo data is synthetic and the banner must say so.
DEMO = env_flag("MAST_DEMO", default=not PRODUCTION)

VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mast.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
# PostgreSQL: parameters sent apart from the statement (server-side binding), so that psycopg prepares a
# statement a connection has run a few times and PostgreSQL stops parsing and planning it again on every
# request (ADR 0043). Off (DATABASE_PREPARED_STATEMENTS=0) behind a pooler that cannot keep prepared
# statements, such as PgBouncer in transaction mode before 1.21.
POSTGRESQL_OPTIONS = (
    {"server_side_binding": True, "prepare_threshold": 2}
    if env_flag("DATABASE_PREPARED_STATEMENTS", True)
    else {}
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **POSTGRESQL_OPTIONS}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a feed load writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "mast.access",
    "mast.administration",
    "mast.alerts",
    "mast.analytics",
    "mast.api",
    "mast.audit",
    "mast.feeds",
    "mast.governance",
    "mast.identity",
    "mast.ingest",
    "mast.oversight",
    "mast.requests",
    "mast.synth",
    "mast.web",
]

MIDDLEWARE = [
    # First, so everything after it (the audit log, lockout) sees the client's address, not the proxy's.
    "mast.web.sign_in_middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The agreement and the user's standing are read once a request, however many checks ask.
    "mast.web.middleware.OneReadPerRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Sessions past their absolute limit end; a password alone reaches only the second-factor pages.
    "mast.web.sign_in_middleware.SessionLimitsMiddleware",
    "mast.web.sign_in_middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mast.web.middleware.SecurityHeadersMiddleware",
    "mast.web.middleware.FriendlyErrorsMiddleware",
    # A practitioner's read refused for want of a stated purpose goes to the purpose page, then back.
    "mast.web.middleware.PurposeRequiredMiddleware",
    # A read of something that does not exist (the gate's NotFound) is answered 404.
    "mast.web.middleware.NotFoundMiddleware",
    # A search or look over the user's rate limit gets a page that says when they may go on.
    "mast.web.middleware.ThrottledMiddleware",
    "mast.web.middleware.OutsideAgreementMiddleware",
    # Break glass asked for by a practitioner nobody has named for it: a page saying whom to ask.
    "mast.web.middleware.NotNamedMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the "try again later" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mast.config.urls"
WSGI_APPLICATION = "mast.config.wsgi.application"

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
                "csp.context_processors.nonce",
                "mast.web.context_processors.service",
            ],
        },
    }
]

AUTH_USER_MODEL = "access.User"
# django-axes first: it refuses a locked-out username and address before any password is checked. Then
# Django's own check, which also refuses a switched-off account or one whose agency is switched off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mast.access.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [("govuk", NODE_MODULES_DIR / "govuk-frontend" / "dist" / "govuk")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {
    "default": {
        "BACKEND": os.environ.get("MAST_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Sessions end when the browser closes, after MAST_IDLE_MINUTES without a request (a minute before, the page
# warns and offers to stay signed in), and MAST_ABSOLUTE_HOURS after signing in whatever happens: shared
# devices are common at the front door (docs/sign-in.md).
MAST_IDLE_MINUTES = float(os.environ.get("MAST_IDLE_MINUTES", "30"))
MAST_ABSOLUTE_HOURS = float(os.environ.get("MAST_ABSOLUTE_HOURS", "10"))
SESSION_COOKIE_AGE = round(MAST_IDLE_MINUTES * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Without this the idle limit would count from sign-in, not from the last request.
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_flag("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("BEHIND_TLS_PROXY") else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Failed sign-ins (docs/sign-in.md): after MAST_LOCKOUT_FAILURES wrong passwords for one username from one
# address, that pair is refused for MAST_LOCKOUT_MINUTES. Counting the pair, not the address alone, means
# nobody can lock a colleague out by mistyping from a shared office address, nor lock out the office.
AXES_FAILURE_LIMIT = int(os.environ.get("MAST_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MAST_LOCKOUT_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mast.web.views.sign_in.locked_out"
# MAST writes its own audit events for sign-ins; axes' access log would be a second copy with the passwords'
# field names in it.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Invitation and set-password links work once, for this long (Django's token changes with the password).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("MAST_LINK_HOURS", "72")) * 3600
# The issuer an authenticator app shows next to the code.
OTP_TOTP_ISSUER = os.environ.get("MAST_TOTP_ISSUER", "MAST")
# A code is accepted from one 30-second step either side of now and never twice. No drift learning: a code
# from the step ahead must not move the window forward for good.
OTP_TOTP_SYNC = False
# Behind nginx: the proxies whose X-Forwarded-For is believed (web/sign_in_middleware.py).
MAST_TRUSTED_PROXIES = env_list("MAST_TRUSTED_PROXIES")
# The health endpoint fails when the background worker has not been seen for this long (in production; set
# MAST_HEALTH_NEEDS_WORKER=0 where the worker is watched some other way).
MAST_HEALTH_NEEDS_WORKER = env_flag("MAST_HEALTH_NEEDS_WORKER", default=PRODUCTION)
MAST_WORKER_LATE_MINUTES = int(os.environ.get("MAST_WORKER_LATE_MINUTES", "5"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; MAST's audit log already records them, without the noise.
    "loggers": {"axes": {"level": "WARNING"}},
}

MAST_TEMPLATES_DIR = PACKAGE_DIR / "web" / "templates"

# Headline data is shown for MAST_DISPLAY_MONTHS and kept for MAST_RETENTION_MONTHS (the sharing agreement's
# defaults); the purge removes what is older.
MAST_DISPLAY_MONTHS = int(os.environ.get("MAST_DISPLAY_MONTHS", "12"))
MAST_RETENTION_MONTHS = int(os.environ.get("MAST_RETENTION_MONTHS", "36"))

# Analytics (docs/analytics.md): counts from 1 to MAST_SUPPRESS_BELOW - 1 are never shown, and the facts its
# figures are computed from are rebuilt after each load into one DuckDB file here (0600, like the database).
MAST_SUPPRESS_BELOW = int(os.environ.get("MAST_SUPPRESS_BELOW", "5"))

# The public transparency page (/transparency/, docs/audit-and-oversight.md): the date of the partnership's
# data protection impact assessment (ISO date; blank says "not recorded") and where a person asks for the
# data MAST holds about them.
MAST_DPIA_DATE = os.environ.get("MAST_DPIA_DATE", "")
if MAST_DPIA_DATE:
    try:
        date.fromisoformat(MAST_DPIA_DATE)
    except ValueError:
        raise ImproperlyConfigured("MAST_DPIA_DATE must be a date like 2026-03-31.") from None
MAST_SUBJECT_ACCESS_CONTACT = os.environ.get(
    "MAST_SUBJECT_ACCESS_CONTACT", "the data protection officer of any partner agency"
)
MAST_ANALYTICS_DIR = Path(os.environ.get("MAST_ANALYTICS_DIR", VAR_DIR / "analytics"))

# The largest feed file a feed owner may upload through the browser; bigger files go through `mast load`.
MAST_MAX_UPLOAD_BYTES = int(os.environ.get("MAST_MAX_UPLOAD_MB", "512")) * 1024**2
# Uploads are counted against the limit as they stream in, then kept in memory up to 2.5 MB and on disk (a
# 0600 temporary file) beyond: web/uploads.py.
FILE_UPLOAD_HANDLERS = [
    "mast.web.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# How many of a source's latest loads can be undone (feeds/undo.py keeps what each one changed).
MAST_UNDO_LOADS = int(os.environ.get("MAST_UNDO_LOADS", "5"))

# Targeted requests (docs/requests.md). Due times and the escalation delay are the sharing agreement's. The
# background chase runs this often on `mast db_worker`. England-and-Wales bank holidays come from the
# govuk-bank-holidays package's own copy; name a newer GOV.UK bank-holidays.json here when it runs out.
MAST_CHASE_EVERY_MINUTES = int(os.environ.get("MAST_CHASE_EVERY_MINUTES", "15"))
MAST_BANK_HOLIDAYS_FILE = os.environ.get("MAST_BANK_HOLIDAYS_FILE", "")

# Email (docs/alerts-and-email.md): the console locally, files under var/mail/ in the demo, GOV.UK Notify in
# production. Emails hold a neutral line and a link to MAST_BASE_URL, never personal data.
MAST_BASE_URL = os.environ.get("MAST_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "notify": "mast.notifications.notify.NotifyEmailBackend",
}
_email_backend = os.environ.get("MAST_EMAIL_BACKEND", "console")
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"MAST_EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}.")
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = os.environ.get("MAST_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("MAST_FROM_EMAIL", "mast@localhost")
# Secrets from the environment only; never logged.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_REPLY_TO_ID = os.environ.get("NOTIFY_REPLY_TO_ID", "")
if _email_backend == "notify" and not (NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID):
    raise ImproperlyConfigured("MAST_EMAIL_BACKEND=notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID.")
# A new involvement that started longer ago than this (a backfill, a late correction) raises no alert.
MAST_ALERT_RECENT_DAYS = int(os.environ.get("MAST_ALERT_RECENT_DAYS", "30"))

# The audit log's signed checkpoints (docs/audit-and-oversight.md): the head of the hash chain, signed with
# this key and written to this directory on a schedule. Put the directory where the database's users cannot
# write (another disk, a mounted write-once bucket) and keep the key out of the database and its backups.
MAST_AUDIT_CHECKPOINT_KEY = os.environ.get("MAST_AUDIT_CHECKPOINT_KEY", "")
MAST_AUDIT_CHECKPOINT_DIR = os.environ.get("MAST_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
MAST_AUDIT_CHECKPOINT_EVERY_MINUTES = int(os.environ.get("MAST_AUDIT_CHECKPOINT_EVERY_MINUTES", "15"))

# Oversight of use (docs/audit-and-oversight.md): how long a stated purpose lasts without use, per-user limits
# on searches and person/address views, and the misuse rules' thresholds.
MAST_PURPOSE_IDLE_MINUTES = int(os.environ.get("MAST_PURPOSE_IDLE_MINUTES", "30"))
MAST_SEARCHES_PER_MINUTE = int(os.environ.get("MAST_SEARCHES_PER_MINUTE", "10"))
MAST_SEARCHES_PER_HOUR = int(os.environ.get("MAST_SEARCHES_PER_HOUR", "120"))
MAST_VIEWS_PER_MINUTE = int(os.environ.get("MAST_VIEWS_PER_MINUTE", "20"))
MAST_VIEWS_PER_HOUR = int(os.environ.get("MAST_VIEWS_PER_HOUR", "200"))
# A user's people seen in an hour raise an alert above the larger of FLOOR and FACTOR times their own and
# their team's usual hour; UNSEARCHED people or addresses opened in an hour without a search that showed them
# raise one; looks outside MAST_WORKING_HOURS (a user's own, where their agency records them) raise one.
MAST_OVERSIGHT_VOLUME_FLOOR = int(os.environ.get("MAST_OVERSIGHT_VOLUME_FLOOR", "60"))
MAST_OVERSIGHT_VOLUME_FACTOR = float(os.environ.get("MAST_OVERSIGHT_VOLUME_FACTOR", "3"))
MAST_OVERSIGHT_UNSEARCHED_LIMIT = int(os.environ.get("MAST_OVERSIGHT_UNSEARCHED_LIMIT", "5"))
# NO_ACTION_LIMIT people looked at in a day with no request, referral or note about any of them raise an
# alert; looks in the last NO_ACTION_GRACE_HOURS are not counted yet (time to act on them).
MAST_OVERSIGHT_NO_ACTION_LIMIT = int(os.environ.get("MAST_OVERSIGHT_NO_ACTION_LIMIT", "50"))
MAST_OVERSIGHT_NO_ACTION_GRACE_HOURS = float(os.environ.get("MAST_OVERSIGHT_NO_ACTION_GRACE_HOURS", "4"))
MAST_WORKING_HOURS = os.environ.get("MAST_WORKING_HOURS", "07:00-19:00")
MAST_WORKING_WEEKENDS = os.environ.get("MAST_WORKING_WEEKENDS", "") == "1"

# The partner API (docs/api.md): API keys only (no sessions, so no CSRF), JSON only, errors as RFC 9457
# problem details, a rate per key. The rates are per process unless CACHES names a shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["mast.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["mast.api.auth.AllowedByPolicy"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mast.api.problems.handle",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MAST partner API",
    "DESCRIPTION": "Push headline records as they happen, and ask whether a person is known (MAIS Data "
    "Exchange $match). See docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}
MAST_API_RATES = {
    "push": os.environ.get("MAST_API_PUSH_RATE", "600/minute"),
    "query": os.environ.get("MAST_API_QUERY_RATE", "60/minute"),
}
