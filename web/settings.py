"""Settings for the relief platform.

Every value comes from the environment with a safe development default. The embedded default is
SQLite under ``var/``, Celery tasks run eagerly in-process and mail goes to the console; setting
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switches to PostgreSQL and Redis. With ``DEBUG=False``
the settings refuse to start on development secrets and turn on the HTTPS hardening that
``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-secret-key-never-use-in-production-0123456789abcdefghijklmnop"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    # Our apps, bottom layer first (see ARCHITECTURE.md).
    "core",
    "accounts",
    "skills",
    "households",
    "funds",
    "jobs",
    "matching",
    "ventures",
    "training",
    "fairs",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestGuardMiddleware",  # 400 for NUL anywhere, 413 for huge bodies
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",  # CSP and no-store (not on static files)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "web.urls"
WSGI_APPLICATION = "web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (the import progress page) run beside the writer; the busy timeout makes a
    # second writer wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {
    "default": env.cache_url_config(CACHE_URL)
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed logins allowed per account before it is locked, and for how long (accounts/throttle.py).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Failed logins allowed from one client address (over any accounts) before it must wait as long.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# --- Personal data --------------------------------------------------------------------------------
# Field encryption keys: a list of url-safe base64 Fernet keys, newest first. Older keys stay in the
# list while rows are re-encrypted (``manage.py rotate_field_keys``). The hash key is for the
# keyed lookup columns (HMAC-SHA256) and cannot be rotated without re-hashing every row.
def _dev_key(label: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"{SECRET_KEY}:{label}".encode()).digest()).decode()


FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [_dev_key("field-encryption")]
    FIELD_HASH_KEY = FIELD_HASH_KEY or _dev_key("field-hash")

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "web" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Mail and SMS ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@relief.invalid")

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker the embedded default runs every task in-process, at once. The in-memory
# transport only keeps Celery from looking for a broker on localhost; nothing is sent through it.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "end-finished-follow-ups": {"task": "households.end_finished_follow_ups", "schedule": 60 * 60 * 24},
    "analyze-database": {"task": "core.analyze_database", "schedule": 60 * 60 * 24},
    "expire-postings": {"task": "jobs.expire_postings", "schedule": 60 * 60},
    # The full re-match, when nobody is waiting for a page: split into chunks for every worker.
    "nightly-rematch": {"task": "matching.rematch_all", "schedule": crontab(hour=2, minute=30)},
    # Instalments past their due date become overdue and the household's helper is alerted.
    "mark-overdue-instalments": {"task": "ventures.mark_overdue", "schedule": crontab(hour=1, minute=0)},
}

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.BasicAuthentication",  # with the login throttles
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.DepthLimitedJSONParser",  # JSON nested past 32 levels is a 400, not a RecursionError
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/min",
        "user": "600/min",
        "signup": env.str("SIGNUP_RATE", default="20/hour"),
    },
    # Proxies in front of the service that append to X-Forwarded-For; with 0 the address is the
    # connection's own, which a client cannot forge (the login and sign-up throttles count per address).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relief platform API",
    "DESCRIPTION": "Household archive (一户一档), skills and the union's structure.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "households.models.PlanGoal.Status",
        "MeasureStatusEnum": "households.models.PlanMeasure.Status",
        "PlanStatusEnum": "households.models.ReliefPlan.Status",
        "ExitRequestStatusEnum": "households.models.ExitRequest.Status",
        # Keeps the household state enum under the name it had before the jobs enums arrived.
        "StateEnum": "households.models.Household.State",
        "EmployerStatusEnum": "jobs.models.Employer.Status",
        "PostingStateEnum": "jobs.models.JobPosting.State",
        "ApplicationStateEnum": "jobs.models.Application.State",
        "EmploymentServiceKindEnum": "jobs.models.EmploymentService.Kind",
        "RetentionOutcomeEnum": "jobs.models.RetentionCheck.Outcome",
        "ApplicationViaEnum": "jobs.models.Application.Via",
        "MemberSkillLevelEnum": "households.models.MemberSkill.Level",
        "CourseLevelEnum": "training.models.Course.Level",
        "EnrolmentViaEnum": "training.models.Enrolment.Via",
        "FairKindEnum": "fairs.models.JobFair.Kind",
        "AttendeeViaEnum": "fairs.models.Attendee.Via",
        "VisitKindEnum": "households.models.Visit.Kind",
    },
}

# --- Domain ---------------------------------------------------------------------------------------
# Days between visits a helper owes a household when the visit form leaves the next date empty.
VISIT_INTERVAL_DAYS = env.int("VISIT_INTERVAL_DAYS", default=90)
# The plan's rule: a household stays followed for twelve months after it exits hardship.
EXIT_FOLLOW_UP_MONTHS = 12
# Applications the employer has not moved for this many days are flagged to organizers.
STALLED_APPLICATION_DAYS = 30
# Retention follow-ups after a hire, in months (on the responsible helper's task list).
RETENTION_CHECK_MONTHS = (1, 3, 6)
# Matching: how many best postings are stored per seeker, and best seekers per posting (the union).
MATCHES_PER_SIDE = env.int("MATCHES_PER_SIDE", default=50)
# How far down one row's ranking a refresh looks for the other side's best lists.
MATCHING_SCAN = env.int("MATCHING_SCAN", default=1000)
# A worker's cached market is reused while the side a refresh reads is unchanged; its own side
# (which only shapes the rarity and TF-IDF weights) may be this many seconds old.
MATCHING_MARKET_MAX_AGE = env.int("MATCHING_MARKET_MAX_AGE", default=300)
# Seekers per Celery task of the nightly re-match.
MATCHING_CHUNK_SIZE = env.int("MATCHING_CHUNK_SIZE", default=5000)
# Imports larger than this run on a Celery worker with a progress bar; smaller ones run at once.
IMPORT_ROWS_PER_PROGRESS_STEP = 200

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
# core.middleware.SecurityHeadersMiddleware. Scripts come only from our own files (no inline script
# anywhere); inline styles stay allowed for the admin, Swagger UI and Redoc, which set them; Redoc
# runs its search in a blob: worker.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
# The largest request body accepted (core.middleware.RequestGuardMiddleware answers 413 above it).
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=25 * 1024 * 1024)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
