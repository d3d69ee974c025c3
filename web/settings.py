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
    "notifications",
    "skills",
    "households",
    "funds",
    "jobs",
    "matching",
    "ventures",
    "training",
    "fairs",
    # Relief tracks: the registry's core, then one app per track (relief/README in the project's README).
    "relief",
    "relief.warmth",
    "relief.student_aid",
    "relief.medical",
    "relief.assistance",
    "relief.restructuring",
    "relief.insurance",
    "relief.migrant",
    "relief.care",
    "assessment",
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
    "accounts.middleware.PasswordChangeRequiredMiddleware",  # a temporary password is for changing it
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
                "web.context_processors.navigation_menu",
                "accounts.text_size.context",
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
    # No JIT compilation: the planner prices the roll-ups' per-record subqueries high enough to
    # compile them, and compiling cost more than it saved (175 ms of a 320 ms count over 100,000
    # households; benchmarks/bench_assessment.py). Short queries are this service's whole load.
    # A backend whose client died mid-statement (a Celery child killed with ``kill -9``) checks
    # the socket every 2 s instead of finishing the statement first: its locks and leases (the
    # re-match chunk's) are given up within seconds (PostgreSQL 14 and later).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c client_connection_check_interval=2000"
    )
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
    # Every indicator for every unit as the month ended (taken once; re-run a past month by hand).
    "assessment-month-end-snapshot": {
        "task": "assessment.snapshot_last_month",
        "schedule": crontab(hour=0, minute=30),
    },
    # Skills coverage and demand per unit, read by /training/coverage/ and /training/demand/
    # (training.reports.MAX_AGE: a page counts again itself when the beat has not run for an hour).
    "training-refresh-reports": {"task": "training.refresh_reports", "schedule": 30 * 60},
}

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.BasicAuthentication",  # with the login throttles
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.PasswordChanged",  # a temporary password opens no endpoint (403 says why)
    ],
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
        "WorkTaskKindEnum": "assessment.models.WorkTask.Kind",
        "ScorecardStateEnum": "assessment.models.Scorecard.State",
        "ReviewOutcomeEnum": "assessment.models.HouseholdReview.Outcome",
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
# The log of changes behind the market (matching.changes) keeps this many seconds of rows (the
# nightly re-match prunes it); a cached market not checked for half as long is rebuilt.
MATCHING_CHANGES_KEEP = env.int("MATCHING_CHANGES_KEEP", default=86400)
# Rows of one side changed behind a cached market (another process's refreshes, edits not refreshed
# yet) that it reads and takes in when it next needs that side current; more, and it is rebuilt
# (or a refresh takes its thresholds from the stored rows) as before.
MATCHING_CATCH_UP = env.int("MATCHING_CATCH_UP", default=64)
# A refresh worker fills every row's best lists when it builds its market (matching.services.
# _fill_best: about as much CPU again as the build) while the market scores at most this many
# feasible pairs (50,000 seekers in 100 counties: 43 million); a larger one fills them on first use.
MATCHING_FILL_AHEAD_PAIRS = env.int("MATCHING_FILL_AHEAD_PAIRS", default=100_000_000)
# Seekers per Celery task of the nightly re-match.
MATCHING_CHUNK_SIZE = env.int("MATCHING_CHUNK_SIZE", default=5000)
# Seekers whose stored rows a chunk computes and writes at a time, in the chunk's one transaction
# (a worker holds one part's rows, with their explanations, in memory).
MATCHING_WRITE_PART = env.int("MATCHING_WRITE_PART", default=1000)
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

# --- Notifications (notifications/) ---------------------------------------------------------------
# Where links in SMS, WeChat and e-mail point.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Each outside channel's backend: "console" (development and tests: printed), "off", or the real
# provider. SMS: Tencent Cloud SMS (its official SDK); WeChat: subscription messages through the
# WeChat HTTP API; e-mail: Django's mail (EMAIL_BACKEND).
_CONSOLE = {"BACKEND": "notifications.channels.console.ConsoleBackend"}
# Production names its providers; until it does, nothing is printed instead of sent.
_NOTIFY_SMS = env.str("NOTIFY_SMS", default="console" if DEBUG else "off")
_NOTIFY_WECHAT = env.str("NOTIFY_WECHAT", default="console" if DEBUG else "off")
_NOTIFY_EMAIL = env.str("NOTIFY_EMAIL", default="django")
NOTIFICATION_CHANNELS: dict[str, dict] = {}
if _NOTIFY_SMS == "console":
    NOTIFICATION_CHANNELS["sms"] = _CONSOLE
elif _NOTIFY_SMS == "tencent":
    NOTIFICATION_CHANNELS["sms"] = {
        "BACKEND": "notifications.channels.tencent_sms.TencentSmsBackend",
        "OPTIONS": {
            "secret_id": env.str("TENCENT_SMS_SECRET_ID"),
            "secret_key": env.str("TENCENT_SMS_SECRET_KEY"),
            "app_id": env.str("TENCENT_SMS_APP_ID"),
            "sign_name": env.str("TENCENT_SMS_SIGN_NAME"),
            "region": env.str("TENCENT_SMS_REGION", default="ap-guangzhou"),
            "endpoint": env.str("TENCENT_SMS_ENDPOINT", default="sms.tencentcloudapi.com"),
            "scheme": env.str("TENCENT_SMS_SCHEME", default="https"),
            # {"application.invited": "1234567", ...}: the approved template of each kind.
            "templates": env.json("TENCENT_SMS_TEMPLATES", default={}),
        },
    }
elif _NOTIFY_SMS != "off":
    raise ImproperlyConfigured(f"NOTIFY_SMS must be console, tencent or off, not {_NOTIFY_SMS!r}.")
if _NOTIFY_WECHAT == "console":
    NOTIFICATION_CHANNELS["wechat"] = _CONSOLE
elif _NOTIFY_WECHAT == "wechat":
    NOTIFICATION_CHANNELS["wechat"] = {
        "BACKEND": "notifications.channels.wechat.WeChatSubscribeBackend",
        "OPTIONS": {
            "app_id": env.str("WECHAT_APP_ID"),
            "app_secret": env.str("WECHAT_APP_SECRET"),
            "api_base": env.str("WECHAT_API_BASE", default="https://api.weixin.qq.com"),
            # {"application.invited": {"template_id": "...", "fields": {"thing1": "employer"}}, ...}
            "templates": env.json("WECHAT_TEMPLATES", default={}),
        },
    }
elif _NOTIFY_WECHAT != "off":
    raise ImproperlyConfigured(f"NOTIFY_WECHAT must be console, wechat or off, not {_NOTIFY_WECHAT!r}.")
if _NOTIFY_EMAIL == "django":
    NOTIFICATION_CHANNELS["email"] = {"BACKEND": "notifications.channels.email.EmailBackend"}
elif _NOTIFY_EMAIL != "off":
    raise ImproperlyConfigured(f"NOTIFY_EMAIL must be django or off, not {_NOTIFY_EMAIL!r}.")
# Messages per person per day on the outside channels (urgent ones are not counted against it).
NOTIFICATIONS_DAILY_CAP = env.int("NOTIFICATIONS_DAILY_CAP", default=10)
# Provider calls per message before it is marked failed (with backoff between them).
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
# A waiting row not picked up this many seconds after it was queued is queued again (the sweeper).
NOTIFICATIONS_REQUEUE_AFTER = env.int("NOTIFICATIONS_REQUEUE_AFTER", default=120)
# A row claimed this long ago and not finished: its worker died (well past any provider time-out).
NOTIFICATIONS_LEASE = env.int("NOTIFICATIONS_LEASE", default=600)
# New matches at least this good are announced to the worker (daily, batched).
MATCH_ALERT_MIN_SCORE = env.float("MATCH_ALERT_MIN_SCORE", default=0.6)
# How often the top bar's unread badge asks again.
NOTIFICATIONS_BADGE_POLL_SECONDS = env.int("NOTIFICATIONS_BADGE_POLL_SECONDS", default=30)
CELERY_BEAT_SCHEDULE |= {
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 60},
    # After the quiet hours end, so the day's reminders do not wait in the outbox.
    "notifications-reminders": {"task": "notifications.send_reminders", "schedule": crontab(hour=8, minute=5)},
    "notifications-digests": {"task": "notifications.send_digests", "schedule": crontab(hour=8, minute=30)},
}

# --- Reliability: workers, broker, outbox, import and re-match sweepers (README "Operations") ----
# A task whose process dies (a pool child killed, out of memory) goes back to the queue instead of
# being acknowledged and lost (CELERY_TASK_ACKS_LATE above acknowledges only after the task ran).
# The import job and the re-match chunks count their attempts, so a task that kills its worker
# every time is given up after a few, with a reason the organizer sees.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# No task runs longer than this; the longest are the import of a 200,000-row file and a re-match
# chunk (minutes). The soft limit lets the task record why it stopped.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 60)
# A pool child whose resident memory passes this (KiB) is replaced after the task it is running: the
# matching market it caches is rebuilt by its successor, so a worker never creeps past its ceiling
# (docs/scaling.md gives the sizes per region; bench_scale.py measures a worker's peak).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_500_000)
# Redis gives an unacknowledged message to another worker after this many seconds: longer than the
# longest task, or a task still running would be started a second time (README "Operations").
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
# A broker that is down fails a send within the connect timeout; one that accepts connections and
# never answers fails it within the socket timeout (instead of never).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=3.0)
CELERY_BROKER_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
    "socket_keepalive": True,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_SOCKET_TIMEOUT
# The transactional outbox (core.outbox): each process relays on commit in a background thread; the
# beat task sends what is left (rows of processes that died, rows that waited out an outage).
OUTBOX_RELAY_THREAD = env.bool("OUTBOX_RELAY_THREAD", default=True)
CELERY_BEAT_SCHEDULE["relay-outbox"] = {"task": "core.relay_outbox", "schedule": 10.0, "options": {"expires": 30}}
# Stuck work is found and re-queued (or failed with a reason) by sweepers.
CELERY_BEAT_SCHEDULE["sweep-imports"] = {"task": "households.sweep_imports", "schedule": 5 * 60.0}
CELERY_BEAT_SCHEDULE["sweep-rematch"] = {"task": "matching.sweep_rematch", "schedule": 10 * 60.0}
# Archive imports: the largest upload accepted, and how often a worker re-runs an import whose
# worker stopped before it gives up. A job without a live worker for this long is stuck.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ATTEMPTS = env.int("IMPORT_MAX_ATTEMPTS", default=3)
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=10 * 60)
# Re-match chunks: attempts before a chunk is given up, and how long one may run unfinished.
REMATCH_MAX_ATTEMPTS = env.int("REMATCH_MAX_ATTEMPTS", default=3)
# (seeker, posting) pairs one threshold part of a re-match scores: a few seconds of a core each
# (docs/scaling.md), so that the workers share the postings' thresholds at region size.
REMATCH_THRESHOLD_PAIRS = env.int("REMATCH_THRESHOLD_PAIRS", default=100_000_000)
# Seconds a delivered chunk waits for a lease still held by a killed worker's session.
REMATCH_LEASE_WAIT = env.float("REMATCH_LEASE_WAIT", default=10.0)
REMATCH_STALE_SECONDS = env.int("REMATCH_STALE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
# Readiness (/readyz): each check's time limit, in seconds.
READINESS_TIMEOUT = env.float("READINESS_TIMEOUT", default=2.0)
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A database that does not answer fails a connection in seconds (readiness, requests, workers).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# A deadlock that got past the services' retries is answered 503 with Retry-After, not 500.
MIDDLEWARE += ["core.middleware.TransientDatabaseErrorMiddleware"]
