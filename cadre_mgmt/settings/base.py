"""Settings shared by every environment, read from the environment (``local``, ``production`` and ``test`` build on
these; ``cadre_mgmt.settings`` picks ``local`` or ``production`` by ``DEBUG``).

Without ``DATABASE_URL`` and ``REDIS_URL`` the product runs embedded: a SQLite file, eager Celery jobs and a
local-memory cache; production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from cadre_mgmt.settings.env import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Core -----------------------------------------------------------------------------------------
# DEBUG, SECRET_KEY and ALLOWED_HOSTS are set by ``local`` and ``production``.

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "treebeard",
    "simple_history",
    # ours
    "common",
    "org",
    "tasks",
    "training",
    "discipline",
    "appraisal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.middleware.StaffOnlyAdminMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it answers a locked-out login before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cadre_mgmt.urls"
WSGI_APPLICATION = "cadre_mgmt.wsgi.application"

# Every <select> built in Python instead of two templates an option (common/widgets.py).
FORM_RENDERER = "common.widgets.FormRenderer"

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
                "org.context_processors.roles",
                "common.context_processors.notifications",
            ],
            # {% form_token %} in every create form, without a {% load %}.
            "builtins": ["common.templatetags.idempotency"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default serves a few users at once. WAL lets readers go on while one writer writes; a write
    # transaction takes the write lock when it begins (IMMEDIATE) instead of failing with "database is locked"
    # when a read inside it turns into a write; and a writer waits up to SQLITE_TIMEOUT seconds for its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _server_options = []
    if not env_bool("POSTGRES_JIT", False):
        # PostgreSQL's JIT compiles the plan of any statement its cost estimate calls expensive; for this
        # product's statements (a county's aggregates over 10,000 officials, 50-300 ms) compiling took longer than
        # running: the training report 592 → 306 ms, the rollup's components likewise (README, Performance).
        # POSTGRES_JIT=1 leaves the server's setting alone.
        _server_options.append("-c jit=off")
    # The planner's default (4) prices a random page read as on a spinning disk, so it scanned all 10,000
    # officials to find one bureau's 300 instead of reading them through the unit index; 1.1 is the usual value
    # for SSDs and a database that fits in memory (README, Performance). Empty leaves the server's setting alone.
    if _random_page_cost := os.environ.get("POSTGRES_RANDOM_PAGE_COST", "1.1"):
        _server_options.append(f"-c random_page_cost={float(_random_page_cost)}")
    if _server_options:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_server_options)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Cache and Celery -----------------------------------------------------------------------------
# Without REDIS_URL the product runs embedded: jobs run eagerly in-process, the cache is local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE  # beat's crontabs are Beijing time, like everything else
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out user is refused before checking
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "common.passwords.MinimumLength", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): N failures for one user name from one address lock that pair for a while;
# keying on the pair stops one office's shared NAT address from locking everyone out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))

# --- Security (``production`` adds TLS-only cookies, HSTS and the HTTPS redirect) ----------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy (django-csp): every script, style, font and image comes from our own origin, as files.
# No inline <script>, no on…= handler, no <style> block or style= attribute, no eval: behaviour lives in
# static/js (ui.js wires data- attributes), looks in static/css. Scripts may still set element.style (CSSOM),
# which CSP allows; that is how progress bars get their width from data-width.
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],  # Bootstrap's form controls draw their arrows and ticks as data: SVG
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": [_SELF],
        "frame-ancestors": ["'none'"],
    },
}

# --- Static and media files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Confidential uploads (discipline case attachments): outside MEDIA_ROOT and never served by URL; only
# permission-checked views read them. Back it up with the database.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# --- Uploads --------------------------------------------------------------------------------------
ROSTER_MAX_UPLOAD_BYTES = int(os.environ.get("ROSTER_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CASE_ATTACHMENT_MAX_BYTES = int(os.environ.get("CASE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Email ----------------------------------------------------------------------------------------
# Notifications also go out by e-mail only when a real e-mail backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
NOTIFY_BY_EMAIL = "EMAIL_BACKEND" in os.environ
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# Absolute links in e-mails, e.g. https://cadre.example.gov.cn
SITE_URL = os.environ.get("SITE_URL", "")

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "common.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "干部绩效管理 API",
    "DESCRIPTION": "Cadre performance management: org units and officials, scoped to the caller.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's bundled files: no CDN on isolated networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RaterAssignmentStatusEnum": "appraisal.models.RaterAssignment.Status",
        "RaterGroupEnum": "appraisal.models.RaterGroup",
        "TaskSourceEnum": "tasks.models.TaskSource",
        "CaseStatusEnum": "discipline.models.CaseStatus",
        "CaseSourceEnum": "discipline.models.CaseSource",
        "ToleranceStatusEnum": "discipline.models.ToleranceStatus",
        "RectificationStatusEnum": "discipline.models.RectificationStatus",
        "DecisionGroupEnum": "discipline.models.DecisionGroup",
        "TalkKindEnum": "discipline.models.TalkKind",
        "GradeEnum": "appraisal.models.Grade",
        "GradeStatusEnum": "appraisal.models.GradeStatus",
        "ProcedureStageEnum": "appraisal.models.Stage",
        "SummaryStatusEnum": "appraisal.models.SummaryStatus",
        "ObjectionStatusEnum": "appraisal.models.ObjectionStatus",
        "SignStatusEnum": "appraisal.models.SignStatus",
        "ReviewOutcomeEnum": "appraisal.models.ReviewOutcome",
        "AppealOutcomeEnum": "appraisal.models.AppealOutcome",
        "LeaveKindEnum": "org.models.LeaveKind",
        "QuarterGradeEnum": "appraisal.models.QuarterGrade",
        "QuarterlyStatusEnum": "appraisal.models.QuarterlyStatus",
        "ReconsiderOutcomeEnum": "appraisal.models.ReconsiderOutcome",
        # One name for each choice set used under several field names or colliding with another set's name
        # (drf_spectacular.W001 in ``check --deploy``; tests/api/test_schema_truth.py keeps it clear).
        "RankLevelEnum": "org.models.RankLevel",
        "GradeCapEnum": "discipline.models.GradeCap",
        "DisciplineAppealOutcomeEnum": "discipline.models.AppealOutcome",
        "TaskKindEnum": "tasks.models.TaskKind",
        "SessionKindEnum": "training.models.SessionKind",
        "AttendanceStatusEnum": "training.models.AttendanceStatus",
        "ExportJobKindEnum": "appraisal.models.ExportJob.Kind",
        "ReportStatusEnum": "tasks.models.ReportStatus",  # the report and the approved report's answer
    },
}

# --- Repeated submissions -------------------------------------------------------------------------
# A create form's one-time token and an API Idempotency-Key are remembered this many hours: a repeat within
# them gets the first answer; afterwards the key is forgotten (purged as its user submits again).
IDEMPOTENCY_KEY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24"))

# SQLite cannot enforce "one default scheme" (a unique constraint over NULLs); PostgreSQL does, and the
# admin form (model constraint validation) checks it on every database.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# --- The product's own settings (rules.md defaults and local choices) ---------------------------------
from cadre_mgmt.settings.domain import *  # noqa: E402, F403

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
