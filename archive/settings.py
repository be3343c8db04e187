"""Settings for Commentary Archive, read from the environment.

Development (``DJANGO_DEBUG=true``) runs on a SQLite file with a throwaway secret key.
Production (the default) refuses to start without ``DJANGO_SECRET_KEY`` and turns on
HTTPS-only cookies, HSTS and the rest of ``manage.py check --deploy``.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# Without DJANGO_SECRET_KEY and with debug off the key stays empty: the WSGI/ASGI entry
# points and runserver refuse to start (commentary/startup.py), Django refuses any use of an
# empty key, and `check --deploy` fails. Commands that never use it (makemigrations,
# compilemessages) still run.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Development only: a key that changes with every start is better than one in the repo.
    SECRET_KEY = "dev-insecure-" + os.urandom(32).hex()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "reversion",
    "reversion_compare",
    "concurrency",
    "axes",
    "commentary",
]

MIDDLEWARE = [
    # Outermost: the request id and one log line per request (commentary/service/).
    "commentary.service.requestlog.RequestLogMiddleware",
    # Django's debug page would fail on a query of too many fields (a 500).
    "commentary.middleware.RejectTooManyParametersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Straight after the static files: a hit costs no more middleware than that (the
    # answer it keeps carries the headers the middleware below added).
    "commentary.caching.pages.PageCacheMiddleware",
    # A database that is away: 503, never a 500; one that is frozen: the request's
    # connection cut after DJANGO_DB_WAIT_LIMIT seconds (commentary/service/).
    "commentary.service.faults.DatabaseUnavailableMiddleware",
    "commentary.service.watchdog.DatabaseWaitMiddleware",
    # Anonymous reads from a replica, with read-your-writes (commentary/service/).
    "commentary.service.replicas.ReplicaMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "commentary.middleware.RejectNullBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The admin's import preview (commentary/admin/importing.py) is a form of nine fields per
# statement, for up to 1,000 statements, and a pasted round-up may be up to 2 MB, shown
# twice (text and preview): Django's defaults (1,000 fields, 2.5 MB) would answer a bare
# 400 instead of the importer's own message about what is too long.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# SQLite file by default; PostgreSQL (psycopg 3) when DATABASE_URL says so, e.g.
# postgres://user:password@host:5432/archive
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that is away fails fast (commentary/service/): a new connection gives up
# after DJANGO_DB_CONNECT_TIMEOUT seconds, the server cancels a statement after
# DJANGO_DB_STATEMENT_TIMEOUT milliseconds (0: the role's setting, e.g. behind PgBouncer,
# which refuses startup options: ALTER ROLE archive SET statement_timeout = '15s'), and a
# connection that gets no answer at all (a frozen server) is cut after
# DJANGO_DB_WAIT_LIMIT seconds. All three are shorter than gunicorn's worker timeout.
DATABASE_WAIT_LIMIT = float(os.environ.get("DJANGO_DB_WAIT_LIMIT", "20"))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3")))
    _statement_timeout = int(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT", "15000"))
    if _statement_timeout:
        _options["options"] = (
            f"{_options.get('options', '')} -c statement_timeout={_statement_timeout}".strip()
        )
# Read replicas (commentary/service/replicas.py): DATABASE_REPLICA_URLS, comma-separated
# streaming replicas of the primary. Anonymous reads go to a replica that answers and lags
# less than DJANGO_REPLICA_MAX_LAG seconds (checked every DJANGO_REPLICA_CHECK_SECONDS per
# process), else to the primary; writes, migrations, the admin and everything a browser
# asks for within DJANGO_REPLICA_PIN_SECONDS of a write of its own go to the primary.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica_{_number}"] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        # The test runner makes no database of its own for a replica.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["commentary.service.replicas.ReplicaRouter"]
REPLICA_MAX_LAG = float(os.environ.get("DJANGO_REPLICA_MAX_LAG", "30"))
REPLICA_CHECK_SECONDS = float(os.environ.get("DJANGO_REPLICA_CHECK_SECONDS", "5"))
REPLICA_PIN_SECONDS = int(os.environ.get("DJANGO_REPLICA_PIN_SECONDS", "15"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Prometheus metrics (commentary/service/metrics.py): off unless DJANGO_METRICS_TOKEN is
# set; then django-prometheus times requests by view and counts queries and errors by
# database, and /metrics answers whoever sends the token as a bearer token.
METRICS_TOKEN = os.environ.get("DJANGO_METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False
if METRICS_TOKEN:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
    for _database in DATABASES.values():
        _engine = _database["ENGINE"].rsplit(".", 1)[-1]
        if _engine in ("postgresql", "sqlite3"):
            _database["ENGINE"] = f"django_prometheus.db.backends.{_engine}"

# One cache for every server process (the page cache, facet counts, the archive's
# generation that invalidates both, API rate counts): files under DJANGO_CACHE_DIR on one
# machine, or a Redis server (DJANGO_REDIS_URL) shared by several machines. Django's
# default, a cache in each process's memory, would leave other workers serving pages from
# before a publish.
if os.environ.get("DJANGO_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_REDIS_URL"],
            # Fail fast when Redis is away: pages are then served uncached.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or str(BASE_DIR / ".cache" / "django"),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_ENTRIES", "20000"))},
        }
    }
# The page cache for anonymous readers (commentary/caching/pages.py): how long an answer
# is kept (0 turns the page cache off), and how long a proxy or CDN may serve its copy
# without asking (0: it asks every time, and gets a 304 when nothing changed).
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_SHARED_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SHARED_SECONDS", "0"))

# Brute-force protection on the login (django-axes): after AXES_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is locked out for
# AXES_COOLOFF_MINUTES. A successful login resets the count. Locked-out users see
# templates/axes/lockout.html (status 429); `manage.py axes_reset` unlocks everyone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_VERBOSE = False
# The address is REMOTE_ADDR: behind a reverse proxy every client shares the proxy's, so
# the lockout then counts per user name (still stopping password guessing on one account).

# Optimistic locking (django-concurrency): a save from a form opened before someone else's
# save is refused, on every editable model, in forms, inlines, changelist edits and actions.
CONCURRENCY_ENABLED = True
CONCURRENCY_VERSION_FIELD_REQUIRED = True
CONCURRENCY_AUTO_CREATE_TRIGGERS = False  # the version fields are ordinary columns

# History (django-reversion): stored versions use a JSON format that restores as an edit
# on top of the current state (see commentary/history.py).
SERIALIZATION_MODULES = {"archive_json": "commentary.editorial.history"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The read API (Django REST framework, commentary/api/): read-only, JSON only, paginated,
# rate-limited per client address. DJANGO_API_RATE sets the limit ("120/minute"; DRF's
# syntax: a number per second, minute, hour or day). The OpenAPI document is generated by
# drf-spectacular from the same serializers and filters.
API_RATE = os.environ.get("DJANGO_API_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # DRF's AnonRateThrottle, tolerant of the cache server going away (api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["commentary.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commentary Archive API",
    "DESCRIPTION": "Read-only access to the published statements of the Commentary Archive.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a "kind": each gets its own named enum in the document.
    "ENUM_NAME_OVERRIDES": {
        f"{model}KindEnum": f"commentary.models.{model}.Kind"
        for model in ("Quote", "Expert", "Organization", "Outlet", "Source")
    },
}

# Internationalisation: interface in English and Simplified Chinese.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")

# Static files: collected into STATIC_ROOT and served by WhiteNoise, compressed and hashed.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The archive's own copies of its sources, one WARC file each (manage.py
    # archive_sources). Any Django storage will do, e.g. S3-compatible object storage
    # through django-storages: DJANGO_ARCHIVE_STORAGE_BACKEND plus its options as JSON in
    # DJANGO_ARCHIVE_STORAGE_OPTIONS (README, "Keeping sources reachable").
    "archive": {
        "BACKEND": os.environ.get(
            "DJANGO_ARCHIVE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("DJANGO_ARCHIVE_STORAGE_OPTIONS") or "null")
        or {"location": os.environ.get("DJANGO_ARCHIVE_COPIES_DIR") or BASE_DIR / "copies"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The link checker and the copier (manage.py check_links, archive_sources; README,
# "Keeping sources reachable"). Politeness: one request at a time per host, this many
# seconds apart; robots.txt is honoured. A link counts as broken only after this many
# failed checks in a row spread over at least this many days.
LINK_CHECK = {
    "USER_AGENT": os.environ.get(
        "DJANGO_LINK_CHECK_USER_AGENT",
        "CommentaryArchiveLinkChecker/1.0 (+{})".format(
            os.environ.get("DJANGO_LINK_CHECK_CONTACT_URL", "https://archive.example.org/about/")
        ),
    ),
    "HOST_DELAY": float(os.environ.get("DJANGO_LINK_CHECK_HOST_DELAY", "1.0")),
    "TIMEOUT": float(os.environ.get("DJANGO_LINK_CHECK_TIMEOUT", "15")),
    "MAX_REDIRECTS": 10,
    "RETRY_AFTER_LIMIT": 300,
    "CONCURRENCY": int(os.environ.get("DJANGO_LINK_CHECK_CONCURRENCY", "16")),
    "BROKEN_AFTER_FAILURES": 3,
    "BROKEN_AFTER_DAYS": 3,
    "STALE_DAYS": 7,
    # A file of CA certificates to trust instead of the system's (e.g. a private CA).
    "CA_FILE": os.environ.get("DJANGO_LINK_CHECK_CA_FILE") or None,
    # The copier: what it keeps, and how much of it.
    "COPY_MAX_BYTES": int(os.environ.get("DJANGO_ARCHIVE_COPY_MAX_BYTES", str(20 * 2**20))),
    "COPY_CONTENT_TYPES": ("text/html", "application/xhtml+xml", "application/pdf", "text/plain"),
}

# The admin lives at a configurable path so that it is not where bots look first.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Security. Everything below is on unless DEBUG; behind a TLS-terminating proxy set
# DJANGO_SECURE_PROXY_SSL_HEADER=true so that Django sees the original scheme.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers ask for the health checks over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day: editors share computers
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Logs go to standard error: one JSON object a line in production (python-json-logger;
# DJANGO_LOG_FORMAT=text for plain lines), plain lines under DEBUG. Every line carries
# the request id (commentary/service/requestlog.py); each request is logged once, on the
# "commentary.requests" logger, with its view, status and duration.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "commentary.service.requestlog.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every login at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
        # One line per request in production; in development runserver logs them already.
        "commentary.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
