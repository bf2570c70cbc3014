"""Settings shared by every environment, read from the environment (``local``, ``production`` and ``test`` build on
these; ``cadre_mgmt.settings`` picks ``local`` or ``production`` by ``DEBUG``).

Without ``DATABASE_URL`` and ``REDIS_URL`` the product runs embedded: a SQLite file, eager Celery jobs and a
local-memory cache; production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


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

# --- Discipline -----------------------------------------------------------------------------------
# Days after a decision takes effect within which its subject may appeal (申诉).
DISCIPLINE_APPEAL_DAYS = int(os.environ.get("DISCIPLINE_APPEAL_DAYS", "30"))
# Time limits of an open case, in calendar days, past which it is flagged on the home page and the case list:
# a registered case should be taken up (investigated or not pursued) within the first; an investigation should
# conclude within the second from the day it began (监督执纪工作规则: 审查调查 90 日; local practice, confirm).
DISCIPLINE_REGISTERED_DAYS = int(os.environ.get("DISCIPLINE_REGISTERED_DAYS", "30"))
DISCIPLINE_INVESTIGATION_DAYS = int(os.environ.get("DISCIPLINE_INVESTIGATION_DAYS", "90"))
# A reader who opens the same case file again within this many minutes (a reload) adds no access-log row; 0 logs
# every page view.
DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES = int(os.environ.get("DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES", "5"))

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

# --- Domain settings ------------------------------------------------------------------------------
# Cadres are due for rotation (轮岗交流) after this many years in the same post.
ROTATION_DUE_YEARS = int(os.environ.get("ROTATION_DUE_YEARS", "5"))
# Monthly work reports are due on this day of the following month (月度实绩, default the 5th).
MONTHLY_REPORT_DEADLINE_DAY = int(os.environ.get("MONTHLY_REPORT_DEADLINE_DAY", "5"))
# Remind responsible officials of task deadlines this many days ahead.
DEADLINE_REMINDER_DAYS = int(os.environ.get("DEADLINE_REMINDER_DAYS", "3"))

# --- Annual grades -------------------------------------------------------------------------------------------
# 优秀 for at most this share of a unit's appraised officials, rounded down; an approval recorded by the
# organization department may allow more, never past the ceiling (shared/rules.md Q1: ≤20 %, up to 25 % with
# approval — unconfirmed, so both are settings).
APPRAISAL_EXCELLENT_QUOTA = os.environ.get("APPRAISAL_EXCELLENT_QUOTA", "0.20")
APPRAISAL_EXCELLENT_QUOTA_CEILING = os.environ.get("APPRAISAL_EXCELLENT_QUOTA_CEILING", "0.25")
# Year-score thresholds of the proposed grade (a local practice): {"excellent": 90, "competent": 70, "basic": 60}.
APPRAISAL_GRADE_THRESHOLDS = json.loads(os.environ.get("APPRAISAL_GRADE_THRESHOLDS", "{}"))
# The constants of the work and timeliness components (appraisal/components/builtin.py), e.g.
# {"work": {"late": "0.7"}, "timeliness": {"late": "0.5"}}; frozen with each period when it closes.
APPRAISAL_COMPONENT_CONSTANTS = json.loads(os.environ.get("APPRAISAL_COMPONENT_CONSTANTS", "{}"))
# Probation of a new recruit (公务员法 第34条: one year); one still in probation at the end of the year is
# appraised with a 评语 only (不确定等次).
APPRAISAL_PROBATION_MONTHS = int(os.environ.get("APPRAISAL_PROBATION_MONTHS", "12"))
# The personnel categories that take part in the annual appraisal: civil_servant, managed_as_civil_servant,
# institution, non_establishment. No rule covers 编外 (non_establishment) staff, so they are left out by default (a
# local decision, see the README); any other category is 不参加考核 with the reason shown.
APPRAISAL_APPRAISED_CATEGORIES = [c.strip() for c in os.environ.get(
    "APPRAISAL_APPRAISED_CATEGORIES", "civil_servant,managed_as_civil_servant,institution").split(",") if c.strip()]

# --- Quarterly grades (平时考核: 好 / 较好 / 一般 / 较差; local practice, no national figures — see the README) -----
# The quarter score a grade needs: "good,fairly_good,average" (好 also needs a place within the share; below the
# last, 较差).
APPRAISAL_QUARTERLY_THRESHOLDS = dict(zip(
    ("good", "fairly_good", "average"),
    os.environ.get("APPRAISAL_QUARTERLY_THRESHOLDS", "85,70,60").split(","), strict=True))
# 好 for at most this share of a unit's appraised officials, rounded down.
APPRAISAL_QUARTERLY_GOOD_SHARE = os.environ.get("APPRAISAL_QUARTERLY_GOOD_SHARE", "0.40")
# The annual proposal: a 较差 quarter → not 优秀; 一般 in this many quarters or more → not 优秀 (0: off); and,
# where a unit chooses it for the year, no 好 quarter at all → not 优秀 (False: the choice is not offered).
APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT = env_bool("APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT", True)
APPRAISAL_QUARTERLY_AVERAGE_LIMIT = int(os.environ.get("APPRAISAL_QUARTERLY_AVERAGE_LIMIT", "2"))
APPRAISAL_QUARTERLY_NO_GOOD_RULE = env_bool("APPRAISAL_QUARTERLY_NO_GOOD_RULE", True)

# --- Annual appraisal (公务员法 第38、95、96条; 公务员考核规定 2020; shared/rules.md) ----------------------------
# The 公示 of the 优秀 candidates lasts at least this many working days, counted on the working-day calendar.
APPRAISAL_NOTICE_WORKING_DAYS = int(os.environ.get("APPRAISAL_NOTICE_WORKING_DAYS", "5"))
# Calendar days an official has to sign the written notice; after that it is recorded as 未签署 (no rule found:
# a local choice, see the README).
APPRAISAL_SIGN_DAYS = int(os.environ.get("APPRAISAL_SIGN_DAYS", "15"))
# Calendar days from the notice within which the official may ask for 复核 (第95条: 三十日).
APPRAISAL_REVIEW_DAYS = int(os.environ.get("APPRAISAL_REVIEW_DAYS", "30"))
# Calendar days within which the organization department decides a 复核 (第96条: 三十日).
APPRAISAL_REVIEW_DECISION_DAYS = int(os.environ.get("APPRAISAL_REVIEW_DECISION_DAYS", "30"))
# Calendar days after the 复核 decision within which a 申诉 may be filed (第95条: 十五日), and, without a 复核,
# after the notice (第95条: 也可以不经复核……三十日内直接提出申诉).
APPRAISAL_APPEAL_DAYS = int(os.environ.get("APPRAISAL_APPEAL_DAYS", "15"))
APPRAISAL_DIRECT_APPEAL_DAYS = int(os.environ.get("APPRAISAL_DIRECT_APPEAL_DAYS", "30"))
# The grades an official may ask to have reviewed. 第95条 guarantees it for 不称职 only; by default every grade
# may be reviewed (more than the law requires, never less). "incompetent" alone restricts it to the law's case.
APPRAISAL_REVIEWABLE_GRADES = [g for g in os.environ.get(
    "APPRAISAL_REVIEWABLE_GRADES", "excellent,competent,basic,incompetent,undetermined").split(",") if g]

# --- Leave and transfers (公务员考核规定 2020 第26、27条; shared/rules.md) ----------------------------------------
# Leave kinds whose days count toward "more than half the appraisal year away" (第27条: 病、事假). Kinds: sick,
# personal, maternity, marriage, bereavement, annual, other.
APPRAISAL_LEAVE_KINDS = [k for k in os.environ.get("APPRAISAL_LEAVE_KINDS", "sick,personal").split(",") if k]
# More than this many calendar days of those kinds in the year → 不确定等次 (rules.md Defaults 4: > 182 days).
APPRAISAL_LEAVE_MAX_DAYS = int(os.environ.get("APPRAISAL_LEAVE_MAX_DAYS", "182"))
# The unit that grades an official who changed units during the year: "rules" (第26条: after 调任/转任 the new
# unit, after 援派/挂职 the unit where they worked longest) or "longest" (the unit where they worked longest,
# whatever the kind of move).
APPRAISAL_TRANSFER_GRADED_BY = os.environ.get("APPRAISAL_TRANSFER_GRADED_BY", "rules")
# --- Check-up: ballots without accounts and completeness (季度多维体检, 民主测评) ---------------------------------
# Most codes one batch may issue (the slips are printed from one page).
APPRAISAL_BALLOT_MAX_CODES = int(os.environ.get("APPRAISAL_BALLOT_MAX_CODES", "5000"))
# A rater group with ballot codes counts only when this share of those asked answered (a fraction such as 2/3,
# or a decimal); below it the group is left out of the result, flagged, and the other groups' weights scale up.
APPRAISAL_BALLOT_MIN_RESPONSE_RATE = os.environ.get("APPRAISAL_BALLOT_MIN_RESPONSE_RATE", "2/3")
# The 0–100 scores of a ballot's 好 / 较好 / 一般 / 差, in that order (the usual 民主测评 conversion 1 / 0.8 /
# 0.6 / 0; a local practice, confirm locally). Copied onto each batch when it is issued.
APPRAISAL_BALLOT_SCORES = dict(zip(("good", "fairly_good", "average", "poor"), (int(v) for v in os.environ.get(
    "APPRAISAL_BALLOT_SCORES", "100,80,60,0").split(",")), strict=True))
# Ballot pages (no login) accept at most this many POSTs, and lookups of invalid codes, per client address in
# a fixed window of this many seconds (counted in the cache); then they answer 429 until the window ends.
APPRAISAL_BALLOT_POSTS_PER_IP = int(os.environ.get("APPRAISAL_BALLOT_POSTS_PER_IP", "30"))
APPRAISAL_BALLOT_THROTTLE_SECONDS = int(os.environ.get("APPRAISAL_BALLOT_THROTTLE_SECONDS", "600"))
# The address printed on the slips and in their QR codes (e.g. https://kaohe.example.gov.cn); empty: the
# address the organization department opened the page at.
APPRAISAL_BALLOT_BASE_URL = os.environ.get("APPRAISAL_BALLOT_BASE_URL", "").rstrip("/")
# Whether an incomplete check-up result (a group with raters short of the minimum responses) still counts in
# the score's evaluation component. False: it is left out, marked on the score page, and the other components
# scale up; True: it counts as it is (the behaviour before this setting).
APPRAISAL_CHECKUP_INCOMPLETE_COUNTS = env_bool("APPRAISAL_CHECKUP_INCOMPLETE_COUNTS", False)

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
