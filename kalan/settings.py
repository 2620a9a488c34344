"""One settings module, read from ``KALAN_*`` environment variables.

Every value has a default that lets a fresh checkout run on a laptop with no network:
SQLite in the data folder, a secret key generated into that folder on first run, French first.
Importing it makes nothing: the folder and the key are made by kalan.core.datadir.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from kalan.core.datadir import STATIC_FOLDER, data_dir_path, secret_key_setting
from kalan.core.env import envbool, envint, envlist, envstr
from kalan.core.server_settings import cache_setting, database_setting, trusted_proxies

BASE_DIR = Path(__file__).resolve().parent


# Only paths and reads here: the folder and the key are made by kalan.core.datadir's
# prepare_data_dir(), called by the `kalan` command, the WSGI entry point and the test run.
DATA_DIR = data_dir_path()
SECRET_KEY = secret_key_setting(DATA_DIR)
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kalan.core",
    "kalan.people",
    "kalan.plans",
    "kalan.workshops",
    "kalan.assessments",
    "kalan.certificates",
    "kalan.finance",
    "kalan.relays",
    "kalan.custody",
    "kalan.fieldkit",
    # No models left: kept for the migrations of databases made before issue 10.
    "kalan.documents",
    "kalan.reports",
    "kalan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the request: a NUL byte is a 400, never a database error.
    "kalan.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files are cached), before the rest: every page is private, no-store.
    "kalan.core.middleware.NeverStoredMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kalan.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kalan.core.middleware_audit.AuditContextMiddleware",
    # After authentication: django-otp marks whether this session gave a code
    # (user.is_verified()), then ours sends a user with two-factor on who has not to the code page.
    "django_otp.middleware.OTPMiddleware",
    "kalan.core.middleware_two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "kalan.core.middleware.CapabilityMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the page of its template.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kalan.urls"
WSGI_APPLICATION = "kalan.wsgi.application"

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
                "kalan.core.context_processors.organisation",
            ],
        },
    },
]

# The folder's path is quoted into the URL: a "#", "?" or "%" in it (a Windows account's name,
# C:\Users\Équipe #2) would otherwise cut the path short.
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{quote(str(DATA_DIR / 'kalan.sqlite3'))}")
# PostgreSQL: each server thread keeps its connection for a minute, checked before reuse; or,
# with KALAN_DB_POOL_SIZE=n, each process shares a pool of n (README, "Serveur du siège").
DATABASES = {"default": database_setting(DATABASE_URL, pool_size=envint("DB_POOL_SIZE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the attendance clicks of one trainer go on while another reads the roster.
    # Connections are kept (one per server thread, CONN_MAX_AGE above): the last connection to
    # close checkpoints the WAL into the database and syncs it to disk, which made every write
    # request pay tens of milliseconds (bench/submissions.py: 80 phones sending at once).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not Django's in-memory default, so that the browser tests' live server and the
    # threads of the concurrency tests see the same database; conftest.py names it per process.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-kalan.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process of the install: the database's table by default, Redis when
# KALAN_CACHE_URL names one (kalan/core/server_settings.py). What it holds: the counts of the
# public certificate page's limiter (/v/), under hashed keys.
CACHES = {
    "default": cache_setting(
        envstr("CACHE_URL"), database=DATABASES["default"], prefix=envstr("CACHE_PREFIX")
    )
}

AUTH_USER_MODEL = "core.User"
# django-axes must see every password check first, to count failures and refuse locked ones.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kalan.core.backends.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Argon2 for new and changed passwords; the others still check hashes made before it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
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

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Africa/Bamako")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / STATIC_FOLDER  # made by prepare_data_dir(): WhiteNoise warns if missing
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Tests and `kalan serve` before collectstatic still find the files in the apps.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Participant lists: what an upload may weigh and hold (kalan/workshops/importing/reader.py).
KALAN_IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
KALAN_IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
KALAN_IMPORT_MAX_COMPRESSION_RATIO = envint("IMPORT_MAX_COMPRESSION_RATIO", 100)
KALAN_IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 20_000)

# Session photos (kalan/reports/photos.py): what one uploaded file may weigh, and how many pixels
# its header may claim before it is decoded (a small file can announce a gigantic image).
KALAN_PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", 15 * 1024 * 1024)
KALAN_PHOTO_MAX_PIXELS = envint("PHOTO_MAX_PIXELS", 64_000_000)

# A budget line whose actuals stray from its planned amount by more than this percentage needs an
# explanation (kalan/finance/budget.py).
KALAN_BUDGET_VARIANCE_PERCENT = envint("BUDGET_VARIANCE_PERCENT", 10)

# Where the public reaches Kalan: the QR code of a certificate holds <this>/v/<short code>/.
KALAN_PUBLIC_URL = envstr("PUBLIC_URL", "http://127.0.0.1:8000")

# Lock-out (django-axes). Failures are counted per account and, separately, per address: a
# guesser trying one account from many addresses is stopped by the first, one trying many
# accounts from one address by the second. The cost: five wrong tries lock an account for
# everyone for 15 minutes, and a venue behind one address shares its count.
AXES_ENABLED = envbool("LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = envint("LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kalan.core.views_account.locked_out"
AXES_CLIENT_IP_CALLABLE = "kalan.core.http.client_address"
AXES_VERBOSE = False  # its log lines name the account and the address
# Failures and lock-outs are rows of the database (django-axes' default, written out): every
# process of a headquarters install sees them, none keeps its own count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# Participants' join page (/t/): wrong codes allowed per client address in 15 minutes, and per
# test in an hour, whatever the address (kalan/assessments/throttle.py). The README works out
# why a sweep of participant codes then finds under 1 % of a session's codes in an hour.
KALAN_JOIN_FAILURES_PER_ADDRESS = envint("JOIN_FAILURES_PER_ADDRESS", 50)
KALAN_JOIN_FAILURES_PER_TEST = envint("JOIN_FAILURES_PER_TEST", 600)

# Two-factor (django-otp, TOTP): the name the authenticator app shows next to the code. Codes are
# accepted one step (30 s) early or late and each only once; django-otp's throttle doubles the
# wait after each wrong code (kalan/core/two_factor.py).
OTP_TOTP_ISSUER = "Kalan"

# Sessions are rows of the database: whichever process answers a request finds the session and
# its idle expiry. Django's engine, but the idle expiry is written again at most once a minute,
# not on every request (kalan/core/sessions.py: a phone answering a test sends one every few
# seconds).
SESSION_ENGINE = "kalan.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A session ends after this long without a request, and when the browser closes. The laptops at a
# venue are shared: one left signed in hands the next person the previous account, so the default
# is short (30 minutes). Each request pushes the end back (SESSION_SAVE_EVERY_REQUEST), so it is
# idle time, not working time. Participants' phones (/t/) live by the same rule: each answer is a
# request, and a phone left longer joins again with its two codes, back at its first unanswered
# question with every answer kept.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# True when a reverse proxy (holding the TLS certificate) forwards the requests to Kalan; naming
# the proxies' addresses (KALAN_TRUSTED_PROXIES, loopback by default) says so too. The client's
# address is then read from X-Forwarded-For, only on requests that come from one of them
# (kalan.core.http.client_address).
_PROXIES = envlist("TRUSTED_PROXIES", [])
KALAN_BEHIND_PROXY = envbool("BEHIND_PROXY", bool(_PROXIES))
KALAN_TRUSTED_PROXIES = trusted_proxies(_PROXIES, behind_proxy=KALAN_BEHIND_PROXY)
# Behind HTTPS (a reverse proxy holding the certificate): HSTS only once TLS works everywhere,
# since browsers remember it for SECURE_HSTS_SECONDS.
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", False)
# Preloading commits the whole domain (and its subdomains) to HTTPS in every browser for months:
# the institution's call, not Kalan's default. Its deploy warning is silenced on purpose.
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if KALAN_BEHIND_PROXY:
    # Only when the proxy sets this header itself: otherwise a client could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: nothing inline but the participant pages' style block (nonce).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

# Logs name what failed, never who: no personal data goes to the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusal_one_line": {"()": "kalan.core.logs.RefusalOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A 403 is one line (status, path without query, user id), not a traceback.
        "django.request": {"filters": ["refusal_one_line"]},
    },
}
