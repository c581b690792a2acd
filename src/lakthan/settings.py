"""Django settings. Every value comes from lakthan.config (environment with embedded defaults)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from lakthan import config

BASE_DIR = Path(__file__).resolve().parent
LAKTHAN_HOME = config.home()
SECRET_KEY = config.secret_key()
DEBUG = config.flag("LAKTHAN_DEBUG", False)
ALLOWED_HOSTS = config.items("LAKTHAN_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    # Without autodiscovery at start-up: urls.py loads the apps' admin.py, so a CLI command never does.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lakthan.core",
    "lakthan.inventory",
    "lakthan.indicators",
    "lakthan.evidence",
    "lakthan.checks",
    "lakthan.reports",
    "lakthan.backups",
    "lakthan.monitoring",
    "lakthan.access",
    "lakthan.risks",
    "lakthan.network",
    "lakthan.operations",
    "lakthan.data",
    "lakthan.problems",
    "lakthan.committees",
    "lakthan.web",
    "lakthan.api",
]

MIDDLEWARE = [
    "lakthan.web.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lakthan.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lakthan.web.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "lakthan.urls"
WSGI_APPLICATION = "lakthan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(config.database_url(), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a CLI job writes; IMMEDIATE avoids lock upgrades failing.
    # synchronous=FULL: a commit is on disk when it returns (NORMAL may lose the last commits, a
    # signature or an evidence revision among them, to a power cut).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = LAKTHAN_HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = config.integer("LAKTHAN_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "lakthan_session"
CSRF_COOKIE_NAME = "lakthan_csrf"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; the cookie stays unread
CSRF_TRUSTED_ORIGINS = config.items("LAKTHAN_CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = config.flag("LAKTHAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS-only settings follow LAKTHAN_SECURE_COOKIES: set it behind TLS.
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_SSL_REDIRECT = config.flag("LAKTHAN_SSL_REDIRECT", False)
if config.flag("LAKTHAN_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (lakthan.web.middleware): no inline script, no inline style, nothing third-party.
LAKTHAN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)

# Login throttling and lockout (django-axes): after LAKTHAN_LOGIN_FAILURES failures for the same
# user name from the same address the account is locked for LAKTHAN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = config.integer("LAKTHAN_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = config.integer("LAKTHAN_LOCKOUT_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = True

# Two-factor (django-otp TOTP) for administrators and supervisors.
LAKTHAN_REQUIRE_2FA = config.flag("LAKTHAN_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Lakthan"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lakthan.api.auth.HashedTokenAuthentication",
        "lakthan.api.auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "lakthan.api.auth.TokenScopeAllows",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": config.text("LAKTHAN_API_RATE", "6000/hour")},
    "EXCEPTION_HANDLER": "lakthan.api.errors.handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lakthan API",
    "DESCRIPTION": "Units, indicators, rounds, results, evidence, checks and reports, scoped by role per unit.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ResultStatusEnum": "lakthan.indicators.models.CriterionResult.Status",
        "CheckStatusEnum": "lakthan.checks.models.CheckRun.Status",
        "SystemClassEnum": "lakthan.inventory.models.System.Klass",
    },
}

# Notifications: email through Django's mail settings, webhooks by HTTP POST.
EMAIL_BACKEND = config.text("LAKTHAN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = config.text("LAKTHAN_SMTP_HOST", "localhost")
EMAIL_PORT = config.integer("LAKTHAN_SMTP_PORT", 25)
DEFAULT_FROM_EMAIL = config.text("LAKTHAN_MAIL_FROM", "lakthan@localhost")
LAKTHAN_BASE_URL = config.text("LAKTHAN_BASE_URL", "http://127.0.0.1:8000")
LAKTHAN_METRICS_TOKEN = config.text("LAKTHAN_METRICS_TOKEN")
# Webhooks go to public https addresses only; these networks (comma-separated CIDRs, such as the
# agency's own chat relay) are trusted as well, over http too.
LAKTHAN_WEBHOOK_TRUSTED_NETWORKS = config.items("LAKTHAN_WEBHOOK_TRUSTED_NETWORKS")

# Lakthan's own settings (documented in the README).
LAKTHAN_BLOB_DIR = LAKTHAN_HOME / "blobs"
LAKTHAN_MAX_UPLOAD_BYTES = config.integer("LAKTHAN_MAX_UPLOAD_MB", 50) * 1024 * 1024
LAKTHAN_THAI_DIGITS = config.flag("LAKTHAN_THAI_DIGITS", True)
# The agency's Ed25519 key that signs every evidence pack (raw 32 bytes, mode 0600, created on first use).
LAKTHAN_PACK_KEY_FILE = Path(
    config.text("LAKTHAN_PACK_KEY_FILE", str(LAKTHAN_HOME / "keys" / "pack-signing.key"))
)
# The language of the CLI's one-line errors (th | en).
LAKTHAN_LANG = config.language()
# Backup alerts: e-mail recipients (comma-separated) and a webhook taking a JSON POST.
LAKTHAN_BACKUP_ALERT_EMAILS = config.items("LAKTHAN_BACKUP_ALERT_EMAILS")
LAKTHAN_BACKUP_WEBHOOK_URL = config.text("LAKTHAN_BACKUP_WEBHOOK_URL")
# `lakthan serve --production`: the proxies whose X-Forwarded-* headers gunicorn trusts.
LAKTHAN_FORWARDED_ALLOW_IPS = config.text("LAKTHAN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The log pipeline (monitoring): where the store lives, the name its checkpoints are signed under, how
# long a host may stay quiet before it counts as silent, and the accounts the rules treat as disabled.
LAKTHAN_LOG_DIR = LAKTHAN_HOME / "logs"
LAKTHAN_LOG_ORIGIN = config.text("LAKTHAN_LOG_ORIGIN", "lakthan.local/logs")
LAKTHAN_LOG_SILENT_HOURS = config.integer("LAKTHAN_LOG_SILENT_HOURS", 24)
LAKTHAN_LOG_ALONE_ROWS = 100_000  # tuning, not configuration: a chunk this large is sealed alone
LAKTHAN_DISABLED_ACCOUNTS = config.items("LAKTHAN_DISABLED_ACCOUNTS")
# item 10: no login for this many days is dormant; a password max age only when set (0: none, NIST 800-63B)
LAKTHAN_ACCESS_DORMANT_DAYS = config.integer("LAKTHAN_ACCESS_DORMANT_DAYS", 90)
LAKTHAN_ACCESS_PASSWORD_MAX_DAYS = config.integer("LAKTHAN_ACCESS_PASSWORD_MAX_DAYS", 0)
LAKTHAN_ACCESS_LEAVER_DAYS = config.integer("LAKTHAN_ACCESS_LEAVER_DAYS", 7)
# items 4, 8, 9 as the checks judge them: network findings tolerated (per cent of the addresses in the
# register), a website's least availability in the round (per cent) and its content at most this old
LAKTHAN_NET_FINDINGS_PERCENT = float(config.text("LAKTHAN_NET_FINDINGS_PERCENT", "2"))
LAKTHAN_SITE_MIN_AVAILABILITY = float(config.text("LAKTHAN_SITE_MIN_AVAILABILITY", "99"))
LAKTHAN_SITE_CURRENT_DAYS = config.integer("LAKTHAN_SITE_CURRENT_DAYS", 90)
# items 5 and 6: the share of the round a dataset must be current; the share of problems fixed in time
LAKTHAN_DATA_CURRENT_PERCENT = float(config.text("LAKTHAN_DATA_CURRENT_PERCENT", "95"))
LAKTHAN_PROBLEM_SLA_PERCENT = float(config.text("LAKTHAN_PROBLEM_SLA_PERCENT", "80"))
# item 8: the Chromium the accessibility check drives (Debian's, installed by scripts/)
LAKTHAN_CHROMIUM = config.text("LAKTHAN_CHROMIUM", "/usr/bin/chromium")
# item 10: the only folder whose files a web page may name as a source's CSV or bind password file
LAKTHAN_ACCESS_FILES = Path(config.text("LAKTHAN_ACCESS_FILES", "") or LAKTHAN_HOME / "access-files")
LAKTHAN_ACCESS_MOVER_GRACE_DAYS = config.integer("LAKTHAN_ACCESS_MOVER_GRACE_DAYS", 30)
# review campaigns: groups privileged besides those flagged; reminders N days before due; escalation N days after
LAKTHAN_ACCESS_PRIVILEGED_GROUPS = config.items("LAKTHAN_ACCESS_PRIVILEGED_GROUPS")
LAKTHAN_ACCESS_REVIEW_REMIND_DAYS = config.integer("LAKTHAN_ACCESS_REVIEW_REMIND_DAYS", 3)
LAKTHAN_ACCESS_REVIEW_ESCALATION_DAYS = config.integer("LAKTHAN_ACCESS_REVIEW_ESCALATION_DAYS", 3)
# an LDAP sync reads only what changed, except the first, one with --full, and one this long after the last full one
LAKTHAN_ACCESS_FULL_SYNC_HOURS = config.integer("LAKTHAN_ACCESS_FULL_SYNC_HOURS", 24)
# an incremental sync asks for changes since the last sync's start minus this (clocks, replication)
LAKTHAN_ACCESS_SYNC_MARGIN_MINUTES = config.integer("LAKTHAN_ACCESS_SYNC_MARGIN_MINUTES", 15)
# item 9: a registered address not seen for more than this many days before the day judged is stale
LAKTHAN_NET_STALE_DAYS = config.integer("LAKTHAN_NET_STALE_DAYS", 90)
# item 6: the assignee of an open problem is warned once when less than this per cent of its allowed time is left
LAKTHAN_PROBLEM_WARN_PERCENT = config.integer("LAKTHAN_PROBLEM_WARN_PERCENT", 25)
DATA_UPLOAD_MAX_MEMORY_SIZE = LAKTHAN_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"one_line_forbidden": {"()": "lakthan.web.request_log.OneLineForbidden"}},
    "loggers": {"django.request": {"filters": ["one_line_forbidden"]}},
    "root": {"handlers": ["console"], "level": config.text("LAKTHAN_LOG_LEVEL", "WARNING")},
}


# Background and periodic jobs (huey): SQLite storage under LAKTHAN_HOME by default, Redis at scale.
# `lakthan worker` runs the consumer; each app's tasks.py holds its periodic jobs. huey is not an
# installed app: importing it costs every command a tenth of a second (it imports psycopg), and only
# the worker and the tasks.py modules need it.
# Periodic jobs' crontabs are read in UTC (huey's default, kept explicit here): see each tasks.py.
if LAKTHAN_REDIS_URL := config.text("LAKTHAN_REDIS_URL"):
    HUEY = {"huey_class": "huey.RedisHuey", "name": "lakthan", "url": LAKTHAN_REDIS_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "lakthan",
        "filename": str(LAKTHAN_HOME / "huey.sqlite3"),
    }
HUEY["utc"] = True
HUEY["consumer"] = {"workers": config.integer("LAKTHAN_WORKERS", 2), "worker_type": "thread"}

# Where a Spark cluster reads the sealed segments (`logs hunt --engine spark`, `logs verify --engine
# spark`): a path or URL (s3a://bucket/logs/segments) holding the same <index>.parquet files as the
# store's segments directory; "" = the store's own directory (a shared file system, or local[N]).
LAKTHAN_LOG_SEGMENTS_URL = config.text("LAKTHAN_LOG_SEGMENTS_URL", "")
