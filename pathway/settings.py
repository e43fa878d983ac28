"""Settings for Pathway.

Everything that differs between a laptop and production comes from the environment;
README.md lists the variables. Defaults are safe: DEBUG is off unless asked for.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# Without a key, management commands still work (for tooling and tests), but the WSGI app
# refuses to serve with DEBUG off, and `check --deploy` reports it (pathway.E001).
SECRET_KEY_IS_DEVELOPMENT = not SECRET_KEY
if SECRET_KEY_IS_DEVELOPMENT:
    SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105

# The sign-off ledger's keys (competencies/ledger.py): "id:secret,id:secret", the first signs
# new records and the others verify older ones. Without it a development key is used, which
# `check --deploy` refuses (pathway.E002) and the WSGI app refuses with debug off.
PATHWAY_LEDGER_KEYS = {
    key_id.strip(): secret.strip().encode()
    for key_id, _, secret in (
        item.partition(":") for item in env_list("PATHWAY_LEDGER_KEYS") if ":" in item
    )
}
LEDGER_KEY_IS_DEVELOPMENT = not PATHWAY_LEDGER_KEYS
if LEDGER_KEY_IS_DEVELOPMENT:
    PATHWAY_LEDGER_KEYS = {"development": b"pathway-development-ledger-key-not-for-production"}
PATHWAY_LEDGER_KEY_ID = next(iter(PATHWAY_LEDGER_KEYS))

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pathway.apps.PathwayConfig",
    "notifications.apps.NotificationsConfig",
    "competencies.apps.CompetenciesConfig",
    "cohorts.apps.CohortsConfig",
    "roledesign.apps.RoledesignConfig",
    "recruitment.apps.RecruitmentConfig",
    "funding.apps.FundingConfig",
    "evaluation.apps.EvaluationConfig",
    "outcomes.apps.OutcomesConfig",
    "support.apps.SupportConfig",
    "apprenticeships.apps.ApprenticeshipsConfig",
    "governance.apps.GovernanceConfig",
    # The integration API (ADR 0023); "ninja" serves its documentation page's assets from
    # here, not from a CDN, under the same Content Security Policy as every page.
    "api.apps.ApiConfig",
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "simple_history",
]

# The benchmark and load test (bench/, ADR 0001) are tooling, not the product: their app and
# its commands (`manage.py bench`, `manage.py seed_scale`) exist only when PATHWAY_BENCH is set,
# as `make bench` and `make load` do. The test settings install it too, so its tests run.
PATHWAY_BENCH = env_bool("PATHWAY_BENCH", False)
BENCH_APP = "bench.apps.BenchConfig"
if PATHWAY_BENCH:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("support.apps.SupportConfig") + 1, BENCH_APP)

MIDDLEWARE = [
    # First: every log line of a request carries its id, and the platform's probes are answered
    # before host checks, HTTPS redirects or sessions (pathway/health.py).
    "pathway.requestids.RequestIdMiddleware",
    "pathway.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (a phone on slow Wi-Fi gets a quarter of the bytes). After WhiteNoise,
    # which serves static files compressed in advance and answers before this. Django adds random
    # bytes to each compressed page against BREACH, and its CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "pathway.middleware.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pathway.middleware.SessionActivityMiddleware",
    "pathway.middleware.AccountLockedMiddleware",
    "pathway.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the hashes of the styles and script each page carries inline.
    "pathway.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the page people see.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pathway.urls"
WSGI_APPLICATION = "pathway.wsgi.application"

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
                "pathway.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# DATABASE_URL picks the database (sqlite:///path or postgres://user@host/name).
# Without it, a SQLite file under var/ is the embedded default.
DEFAULT_SQLITE = VAR_DIR / "pathway.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DEFAULT_SQLITE}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database host that stops answering (rather than refusing) must not hold a worker
    # until gunicorn kills it: give up connecting after a few seconds and show the 503 page.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("PATHWAY_DB_CONNECT_TIMEOUT", "5"))
    )
    # PostgreSQL's JIT compiled one outcomes query for 230-280 ms at 20,000 trainees, to save
    # a few ms of execution: Pathway's queries are short and indexed, so it never pays here.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Tests run in memory; the on-disk file is for `make run`.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The cache (rate limits, memoised counts) is shared by every web server when PATHWAY_CACHE_URL
# names a Redis server (redis://host:6379/0); without it each process keeps its own in memory,
# which is right for one server and `make run`.
if os.environ.get("PATHWAY_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["PATHWAY_CACHE_URL"],
            "KEY_PREFIX": "pathway",
            "TIMEOUT": 300,
        }
    }

# The task queue (pathway/taskqueue.py, ADR 0024). With PATHWAY_BROKER_URL (redis://host:6379/1)
# tasks go to workers (`celery -A pathway worker`) and the daily schedule to one scheduler
# (`celery -A pathway beat`); without it they run at once in the process that asks, which is
# what `make run` and the tests need.
CELERY_BROKER_URL = os.environ.get("PATHWAY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A fault in a task run at once is a fault, not something to swallow.
CELERY_TASK_EAGER_PROPAGATES = True
# Logging is Django's (settings.LOGGING): JSON lines with request ids in workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("PATHWAY_TASK_SOFT_SECONDS", "600"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# A task whose worker vanished is handed out again after this long (Redis has no other way to
# know): longer than any task may run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "notifications.tasks.send_daily_reminders",
        "schedule": crontab(
            hour=int(os.environ.get("PATHWAY_REMINDERS_HOUR", "7")),
            minute=int(os.environ.get("PATHWAY_REMINDERS_MINUTE", "0")),
        ),
    },
    # What is past its retention period is disposed of at night (governance/tasks.py).
    "nightly-retention": {
        "task": "governance.tasks.dispose_expired_records",
        "schedule": crontab(hour=int(os.environ.get("PATHWAY_RETENTION_HOUR", "2")), minute=30),
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "pathway.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Refuses password sign-in, before any check, when local passwords are off (ADR 0022).
    "pathway.identity.backends.LocalPasswordsGate",
    # Django's ModelBackend, reading each request's person with their roles in one query.
    "pathway.identity.backends.PersonBackend",
]
# Argon2id first (pathway/hashers.py, ADR 0018); PBKDF2 only to read the hashes stored before
# it, each replaced at its owner's next sign-in.
PASSWORD_HASHERS = [
    "pathway.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

# Static files: our own plus the NHS.UK design system from node_modules, served by WhiteNoise.
# STATIC_URL is /assets/ because the NHS.UK stylesheet refers to its icons as /assets/images/...
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NHSUK_DIST = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_DIRS = [BASE_DIR / "static"]
if NHSUK_DIST.exists():
    STATICFILES_DIRS += [("images", NHSUK_DIST / "assets" / "images")]
# The NHS.UK stylesheet and script (/assets/nhsuk/...) are built from the package into this
# folder when Django starts (pathway/staticbuild.py: the stylesheet without the CDN's fonts).
PATHWAY_STATIC_BUILD_DIR = Path(
    os.environ.get("PATHWAY_STATIC_BUILD_DIR", str(VAR_DIR / "static-build"))
)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "pathway.staticbuild.BuiltFilesFinder",
]
AXE_CORE_DIST = BASE_DIR / "node_modules" / "axe-core"

# Evidence files and generated documents (ADR 0025): a folder on this machine by default (for
# `make run` and one server), or an Azure Blob Storage container with PATHWAY_STORAGE=azure, so
# that every web server and worker sees the same files. The folder stays MEDIA_ROOT either way:
# it is where `move_files_to_storage` finds the files to move.
MEDIA_ROOT = os.environ.get("PATHWAY_MEDIA_ROOT", str(VAR_DIR / "media"))
PATHWAY_STORAGE = os.environ.get("PATHWAY_STORAGE", "folder").strip().lower() or "folder"


def azure_blob_storage(
    *,
    container: str,
    connection_string: str | None = None,
    account_name: str | None = None,
    account_key: str | None = None,
    retries: int = 1,
) -> dict:
    """The default storage in a Blob Storage container (pathway/storage.py, ADR 0025)."""
    credentials = (
        {"connection_string": connection_string}
        if connection_string
        else {"account_name": account_name, "account_key": account_key}
    )
    return {
        "BACKEND": "pathway.storage.BlobStorage",
        "OPTIONS": {
            **credentials,
            "azure_container": container,
            # A name is never reused (uploads carry a UUID), and never silently replaced.
            "overwrite_files": False,
            # Every call is bounded, so no request waits long on Blob Storage: 3 s to connect,
            # 10 s between bytes, 10 s for the service to answer, one retry a second later
            # (the SDK's default is three, 15 s and more apart). At worst about 30 s a call,
            # within gunicorn's timeout, which ends any request that takes longer.
            "timeout": 10,
            "client_options": {
                "connection_timeout": 3,
                "read_timeout": 10,
                "retry_total": retries,
                "initial_backoff": 1,
                "increment_base": 2,
                "random_jitter_range": 1,
            },
        },
    }


if PATHWAY_STORAGE == "azure":
    _container = os.environ.get("PATHWAY_AZURE_CONTAINER", "pathway")
    _connection_string = os.environ.get("PATHWAY_AZURE_CONNECTION_STRING", "")
    _account_name = os.environ.get("PATHWAY_AZURE_ACCOUNT_NAME", "")
    _account_key = os.environ.get("PATHWAY_AZURE_ACCOUNT_KEY", "")
    if not _connection_string and not (_account_name and _account_key):
        raise ImproperlyConfigured(
            "PATHWAY_STORAGE=azure needs PATHWAY_AZURE_CONNECTION_STRING, or"
            " PATHWAY_AZURE_ACCOUNT_NAME and PATHWAY_AZURE_ACCOUNT_KEY"
        )
    _default_storage = azure_blob_storage(
        container=_container,
        connection_string=_connection_string,
        account_name=_account_name,
        account_key=_account_key,
    )
elif PATHWAY_STORAGE == "folder":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
else:
    raise ImproperlyConfigured(
        f"PATHWAY_STORAGE is {PATHWAY_STORAGE!r}: use 'folder' (the default) or 'azure'"
    )

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "pathway.staticbuild.ManifestStorage"
        ),
    },
}
# Uploaded evidence is never served from a public path: only through views that check permission.
MEDIA_URL = "/media-not-served/"
WHITENOISE_USE_FINDERS = DEBUG

# Each page carries the NHS.UK stylesheet (purged at build time), pathway.css and js-enabled.js
# inside it, allowed by their hashes in the CSP (pathway/inline_assets.py, ADR 0004): nothing
# holds the first paint back. Off, the same files are linked (the unit tests do this).
PATHWAY_INLINE_ASSETS = env_bool("PATHWAY_INLINE_ASSETS", True)
# An export of a cohort with more trainees than this is made by a worker (pathway/jobs.py).
PATHWAY_EXPORT_IN_BACKGROUND_OVER = int(os.environ.get("PATHWAY_EXPORT_IN_BACKGROUND_OVER", "300"))
# A subject access archive (governance) is made by a worker when the person has more than this
# many evidence files, practice entries and sign-offs together, or more evidence bytes than this.
PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER = int(
    os.environ.get("PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER", "300")
)
PATHWAY_SUBJECT_ACCESS_INLINE_BYTES = int(
    os.environ.get("PATHWAY_SUBJECT_ACCESS_INLINE_BYTES", str(20 * 1024 * 1024))
)
# A staff extract with more rows than this is imported by a worker.
PATHWAY_IMPORT_IN_BACKGROUND_OVER = int(os.environ.get("PATHWAY_IMPORT_IN_BACKGROUND_OVER", "500"))
PATHWAY_MAX_UPLOAD_BYTES = int(os.environ.get("PATHWAY_MAX_UPLOAD_MB", "10")) * 1024 * 1024
# The accessibility statement (/accessibility/, pathway/accessibility.py): where people report a
# problem (the trust's digital team; blank: "your lead nurse or your IT service desk"), and the
# record a full, passing run of the browser tests leaves of when it last checked every page.
PATHWAY_ACCESSIBILITY_CONTACT_EMAIL = os.environ.get(
    "PATHWAY_ACCESSIBILITY_CONTACT_EMAIL", ""
).strip()
PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE = Path(
    os.environ.get(
        "PATHWAY_ACCESSIBILITY_LAST_TESTED_FILE", VAR_DIR / "accessibility-last-tested.json"
    )
)
# An anonymous questionnaire's results, and each of its questions' counts, are shown only when at
# least this many people answered (docs/adr/0014-anonymous-questionnaires.md).
PATHWAY_ANONYMOUS_RESULTS_MINIMUM = max(
    3, int(os.environ.get("PATHWAY_ANONYMOUS_RESULTS_MINIMUM", "5"))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = PATHWAY_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# What each import of a spreadsheet accepts (pathway/spreadsheets.py, ADR 0019). A key left out
# takes the default there: the file up to PATHWAY_MAX_UPLOAD_BYTES, an .xlsx file unpacking to
# at most 30 MB with no part growing more than 100 times, cells up to 32,767 characters (as in
# Excel), at most 100 columns. Rows are counted below the header, blank rows left out.
PATHWAY_SPREADSHEET_LIMITS = {
    "enrolment": {"max_rows": int(os.environ.get("PATHWAY_ENROLMENT_MAX_ROWS", "1000"))},
    # An ESR "staff in post" extract: a trust's whole workforce can be a few thousand people.
    "esr": {"max_rows": int(os.environ.get("PATHWAY_ESR_MAX_ROWS", "20000"))},
    # Moodle descriptions are HTML and may be long: a CSV cell may have up to Python's own CSV
    # limit, 131,072 characters (a spreadsheet cell holds at most 32,767 in any case).
    "framework": {
        "max_rows": int(os.environ.get("PATHWAY_FRAMEWORK_MAX_ROWS", "5000")),
        "max_cell_chars": 131_072,
    },
    "task": {
        "max_rows": int(os.environ.get("PATHWAY_TASK_MAX_ROWS", "500")),
        "max_bytes": 2 * 1024 * 1024,
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG

# Email: console in development; SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Where Pathway is reached from outside: links in emails are made absolute with it.
PATHWAY_BASE_URL = os.environ.get("PATHWAY_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pathway <pathway@localhost>")

# Sessions in the database (Django's), read each request in plain SQL (pathway/sessions.py).
# Not `cached_db`: without a shared cache each worker would keep its own copy, and a session
# signed out on one could go on being served by another (ADR 0027).
SESSION_ENGINE = "pathway.sessions"

# Security. Behind a proxy that terminates TLS, set DJANGO_SECURE_PROXY_SSL_HEADER=true.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("PATHWAY_SESSION_IDLE_MINUTES", "30")) * 60
# Idle timeout: activity pushes the expiry on, at most once a minute
# (pathway.middleware.SessionActivityMiddleware) rather than a session write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in throttling (django-axes): an account is locked after repeated failures. Locking by
# account, not by address, because many staff share one ward computer. An administrator unlocks
# in the admin (Axes > Access attempts) or with `manage.py axes_reset_username EMAIL`.
AXES_FAILURE_LIMIT = int(os.environ.get("PATHWAY_SIGN_IN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("PATHWAY_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to lock by IP address too. A trust's staff sign in from shared ward computers
# behind one NAT address, so locking an address would lock a whole ward out; the account lock
# above does not depend on cookies or user agents, which is what W006 guards against.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
# One count per account however the address is typed (pathway/lockout.py).
AXES_USERNAME_CALLABLE = "pathway.lockout.account_key"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Signing in and signing records (docs/identity.md lists every variable and how to register
# Pathway with Entra ID or NHS CIS2; ADR 0022 says why). Single sign-on is OpenID Connect and is
# off while PATHWAY_OIDC_ISSUER is empty: then the sign-in page is the password form alone.
PATHWAY_OIDC_ISSUER = os.environ.get("PATHWAY_OIDC_ISSUER", "").strip()
# Where the provider's discovery document is; by default the issuer's own well-known address.
PATHWAY_OIDC_DISCOVERY_URL = os.environ.get("PATHWAY_OIDC_DISCOVERY_URL", "").strip()
PATHWAY_OIDC_CLIENT_ID = os.environ.get("PATHWAY_OIDC_CLIENT_ID", "").strip()
PATHWAY_OIDC_CLIENT_SECRET = os.environ.get("PATHWAY_OIDC_CLIENT_SECRET", "")
# A PEM private key file: Pathway then authenticates to the token endpoint with a signed JWT
# (private_key_jwt, as CIS2 asks) instead of the client secret.
PATHWAY_OIDC_PRIVATE_KEY_FILE = os.environ.get("PATHWAY_OIDC_PRIVATE_KEY_FILE", "").strip()
PATHWAY_OIDC_PRIVATE_KEY_ID = os.environ.get("PATHWAY_OIDC_PRIVATE_KEY_ID", "").strip()
PATHWAY_OIDC_SCOPES = os.environ.get("PATHWAY_OIDC_SCOPES", "openid email profile").strip()
PATHWAY_OIDC_EMAIL_CLAIM = os.environ.get("PATHWAY_OIDC_EMAIL_CLAIM", "email").strip()
PATHWAY_OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get(
    "PATHWAY_OIDC_EMAIL_VERIFIED_CLAIM", "email_verified"
).strip()
# Empty: the provider gives no employee number, and people are linked by email alone.
PATHWAY_OIDC_EMPLOYEE_NUMBER_CLAIM = os.environ.get(
    "PATHWAY_OIDC_EMPLOYEE_NUMBER_CLAIM", ""
).strip()
PATHWAY_OIDC_NAME_CLAIM = os.environ.get("PATHWAY_OIDC_NAME_CLAIM", "name").strip()
# Signing out of Pathway signs out of the provider too, when it offers an end_session_endpoint.
PATHWAY_OIDC_END_SESSION = env_bool("PATHWAY_OIDC_END_SESSION", True)
PATHWAY_OIDC_CLOCK_SKEW_SECONDS = int(os.environ.get("PATHWAY_OIDC_CLOCK_SKEW_SECONDS", "60"))
# Signing a record by signing in to the provider again: how recent that sign-in must be.
PATHWAY_OIDC_REAUTH_MAX_AGE_SECONDS = int(
    os.environ.get("PATHWAY_OIDC_REAUTH_MAX_AGE_SECONDS", "300")
)
PATHWAY_OIDC_TIMEOUT_SECONDS = int(os.environ.get("PATHWAY_OIDC_TIMEOUT_SECONDS", "10"))
# Someone the provider knows but Pathway does not: refused (their lead nurse adds them), unless
# this is on, when an account without any role is made for them.
PATHWAY_SSO_CREATE_PEOPLE = env_bool("PATHWAY_SSO_CREATE_PEOPLE", False)
# Pathway's own passwords. Off: only break-glass accounts (superusers) sign in, reset or sign
# with one; everyone else uses single sign-on or a passkey.
PATHWAY_LOCAL_PASSWORDS = env_bool("PATHWAY_LOCAL_PASSWORDS", True)
# Passkeys (WebAuthn): registered on the account page, used to sign in and to sign records.
# They are bound to the site's name (PATHWAY_PASSKEY_RP_ID, by default PATHWAY_BASE_URL's host)
# and need HTTPS (or localhost).
PATHWAY_PASSKEYS = env_bool("PATHWAY_PASSKEYS", False)
PATHWAY_PASSKEY_RP_ID = os.environ.get("PATHWAY_PASSKEY_RP_ID", "").strip()


def origin_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Content Security Policy (django-csp): nothing inline, nothing from elsewhere.
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
# Signing out, and signing a record with the NHS account, are forms whose answer redirects to
# the provider: form-action must allow its origin.
if origin_of(PATHWAY_OIDC_ISSUER):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(origin_of(PATHWAY_OIDC_ISSUER))
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The integration API's rate limit per client (api/auth.py), counted in Django's cache: with
# the default local-memory cache each worker process counts alone; set a shared cache (Redis)
# in production for one count per client.
PATHWAY_API_RATE = os.environ.get("PATHWAY_API_RATE", "600/minute")

# Logs go to standard output, one line a record, each with the request's id. PATHWAY_LOG_FORMAT=json
# makes each line a JSON object (timestamp, level, logger, message, request_id and any extra),
# for a platform that collects container logs; plain text stays the default for `make run`.
LOG_FORMAT = os.environ.get("PATHWAY_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A refused request (403, 404, 429…) is one line in the log, not a traceback: they are
        # expected, and a traceback each would bury the real failures.
        "refusals_on_one_line": {"()": "pathway.logs.RefusalsOnOneLine"},
        "request_id": {"()": "pathway.requestids.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "refusals_on_one_line"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
