"""Django settings for the patient portal, read from the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import env, envbool, envfloat, envint, envlist, envsecret

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", "True")

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = envsecret("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is False")
# Earlier keys, still accepted (signatures, and sessions encrypted under them) while
# what they protect expires: how to rotate SECRET_KEY without signing everyone out.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    # Before the admin: it registers the clinic texts' languages (portal/clinic/translation.py).
    "modeltranslation",
    "portal.clinic.admin_app.StaffAdminConfig",  # Django's admin, with staff 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "portal.vsee",
    "portal.clinic",
    "portal.booking",
    "portal.patients",
    "portal.visits",
    "portal.notices",
]

# The sandbox (the top-level `sandbox` app, not part of the installed package) is a
# stand-in VSee API served by this same app. It is what a local run talks to when no VSee
# credentials are set; with DEBUG off it stays off unless VSEE_SANDBOX_ENABLED=True says
# otherwise. Off, it is not installed at all: no tables, routes or admin pages.
VSEE_SANDBOX_ENABLED = envbool("VSEE_SANDBOX_ENABLED", "True" if DEBUG else "False")
if VSEE_SANDBOX_ENABLED:
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    # Outermost: a request runs the portal's code only while it holds one of a few places,
    # given up while it waits on VSee (portal/running.py).
    "portal.running.RunningThreadsMiddleware",
    # Each request sees one generation of the clinic's configuration (clinic/changes.py).
    "portal.clinic.changes.ClinicGenerationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside whitenoise, so static files get the policy and headers too.
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside CSP (it chooses frame-ancestors and admin's policy); outside sessions and
    # CSRF, so it sees (and can adjust) the cookies they set.
    "portal.clinic.framing.FrameAncestorsMiddleware",
    "portal.middleware.IdleSessionMiddleware",
    "portal.middleware.KeepSessionOnServiceUnavailableMiddleware",
    "portal.middleware.VSeeBudgetMiddleware",
    # The browser's language, a choice kept in its cookie, or ?lang= (portal/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "portal.language.PatientLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out staff sign-ins
]

# --- Staff sign-in (admin) ---------------------------------------------------------------
# Wrong passwords from one IP address lock admin sign-in there for a while (django-axes,
# counted in the database, so across workers), and staff give an authenticator code
# once they have one set up; superusers must, when this is on (portal/clinic/staff.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("ADMIN_LOGIN_FAILURES", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("ADMIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "portal.http.client_address"
STAFF_2FA_REQUIRED_FOR_SUPERUSERS = envbool(
    "STAFF_2FA_REQUIRED_FOR_SUPERUSERS", "False" if DEBUG else "True"
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Patient portal admin")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "portal.context_processors.language_switch",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.clinic.context_processors.branding",
                "portal.patients.context_processors.patient",
                "portal.booking.context_processors.time_zone",
            ],
        },
    },
]
# Forms render through Django's templates, but for the plainest widgets, written in
# Python to the same HTML (portal/form_renderer.py).
FORM_RENDERER = "portal.form_renderer.PortalFormRenderer"

# Embedded by default: a SQLite file. DATABASE_URL selects PostgreSQL for scale-out.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two workers booking at once wait for
    # each other instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif envbool("DATABASE_POOL", "True"):
    # PostgreSQL: a page waiting on VSee holds no connection (vsee/service.py,
    # release_database), so a small pool per worker serves many threads; connections
    # are taken back from it for each stretch of queries.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": envint("DATABASE_POOL_SIZE", "10"),
        "timeout": 10,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default (per process); REDIS_URL shares the cache across workers and instances.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions hold the patient's VSee token and draft intake: server-side only, never in a
# cookie; in the database (shared by every worker), encrypted, written only on change, and
# ending SESSION_IDLE_MINUTES after the last request (see portal/sessions.py).
SESSION_ENGINE = "portal.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "30") * 60

# Form fields other than files (the intake's longest answer is a few KB); uploads are
# refused by their declared size before they are read (portal/booking/views/files.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
CSRF_COOKIE_HTTPONLY = True  # no script reads it: htmx gets the token from the page

# --- HTTPS and headers (behind the proxy described in the README) ---------------------------
# How many reverse proxies (that append to X-Forwarded-For) stand in front of the portal:
# 1 behind the README's nginx or Caddy, 0 when gunicorn faces the internet. It decides
# which address rate limits and admin lockouts count.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False" if DEBUG else "True")
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
# Covers names under the portal's own (e.g. *.portal.yourclinic.com), not the clinic's
# other sites; preloading is for the owner of the whole domain, so it stays off.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # SECURE_HSTS_PRELOAD: see above
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Video happens on VSee's pages, never on ours.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "display-capture=(), interest-cohort=()"
)

LANGUAGE_CODE = "en"
# The patient picks (portal/language.py); staff pages stay in English.
LANGUAGES = [("en", "English"), ("es", "Español")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
# The patient-facing catalogue (locale/es): English is the source, Spanish the first
# translation. `manage.py makemessages -l es` updates it; tests/test_translations.py
# fails on any entry left untranslated or fuzzy.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The clinic's own texts (room names, questions, consent documents) per language: a
# Spanish value left blank shows the English one.
# Spanish numbers as written in the United States ($25.00, 1,000): portal/formats/es.
FORMAT_MODULE_PATH = ["portal.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- VSee -----------------------------------------------------------------------------
# What the sandbox itself accepts (the VSEE_* defaults below point at it).
SANDBOX_ACCOUNT_CODE = env("SANDBOX_ACCOUNT_CODE", "demo-clinic")
SANDBOX_API_KEY = env("SANDBOX_API_KEY", "sandbox-key")
SANDBOX_API_SECRET = env("SANDBOX_API_SECRET", "sandbox-secret")
SANDBOX_TOKEN_HOURS = envint("SANDBOX_TOKEN_HOURS", "24")
# How long a forced timeout keeps the request hanging before it answers.
SANDBOX_HANG_SECONDS = envfloat("SANDBOX_HANG_SECONDS", "30")
# Which of the reference's two GET /availability shapes the sandbox sends: "slots"
# ({slots, slot_data}) or "list" (the one it says VSee "will change soon to").
SANDBOX_AVAILABILITY_SHAPE = env("SANDBOX_AVAILABILITY_SHAPE", "slots")
if SANDBOX_AVAILABILITY_SHAPE not in ("slots", "list"):
    raise ImproperlyConfigured('SANDBOX_AVAILABILITY_SHAPE must be "slots" or "list"')
PORT = envint("PORT", "8000")
_SANDBOX_BASE_URL = f"http://127.0.0.1:{PORT}/sandbox/api_v3"

if VSEE_SANDBOX_ENABLED:
    # The portal calls its own sandbox over plain HTTP on the port it serves.
    SECURE_REDIRECT_EXEMPT.append(r"^sandbox/")
VSEE_API_BASE_URL = env(
    "VSEE_API_BASE_URL", _SANDBOX_BASE_URL if VSEE_SANDBOX_ENABLED else ""
)
VSEE_ACCOUNT_CODE = env(
    "VSEE_ACCOUNT_CODE", SANDBOX_ACCOUNT_CODE if VSEE_SANDBOX_ENABLED else ""
)
VSEE_API_KEY = envsecret(
    "VSEE_API_KEY", SANDBOX_API_KEY if VSEE_SANDBOX_ENABLED else ""
)
VSEE_API_SECRET = envsecret(
    "VSEE_API_SECRET", SANDBOX_API_SECRET if VSEE_SANDBOX_ENABLED else ""
)
VSEE_CLINIC_URL = env(
    "VSEE_CLINIC_URL",
    f"http://127.0.0.1:{PORT}/sandbox/clinic/" if VSEE_SANDBOX_ENABLED else "",
)

# Content-Security-Policy (django-csp). No inline script anywhere; inline style only with
# the response's nonce (the clinic's colour). frame-ancestors is widened per response for
# the sites listed under Embedding, and admin gets its own policy (portal/clinic/framing.py).
_vsee_parts = urlsplit(VSEE_CLINIC_URL)
_VSEE_ORIGIN = (
    f"{_vsee_parts.scheme}://{_vsee_parts.netloc}" if _vsee_parts.netloc else ""
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # The join page's redirect goes to VSee's own video page.
        "form-action": [SELF, *([_VSEE_ORIGIN] if _VSEE_ORIGIN else [])],
        "frame-ancestors": [NONE],
        # Counted by directive only (admin: Embedding), to see a refused frame.
        "report-uri": ["/csp-report"],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": ["/csp-report"],
}

# Every call has a connect timeout, a per-read timeout and an overall deadline: a sync
# worker stuck on a slow upstream is a worker no patient can use.
VSEE_CONNECT_TIMEOUT = envfloat("VSEE_CONNECT_TIMEOUT", "3.05")
VSEE_READ_TIMEOUT = envfloat("VSEE_READ_TIMEOUT", "10")
VSEE_DEADLINE = envfloat("VSEE_DEADLINE", "10")
# All the VSee calls of one page share this many seconds, after which the page says it
# couldn't reach the clinic (keeping the patient's answers): under a proxy's 30 s limit.
VSEE_PAGE_BUDGET = envfloat("VSEE_PAGE_BUDGET", "12")
# Requests one process may have waiting on VSee at once (a page's calls made together
# count once), so a hanging VSee never takes the last threads (/healthz, pages without
# VSee). Past it a page waits up to VSEE_PLACE_WAIT_SECONDS for a place while places are
# being given back (VSee busy), and fails at once when none has been for that long.
VSEE_MAX_CONCURRENT_CALLS = envint(
    "VSEE_MAX_CONCURRENT_CALLS", str(max(1, envint("GUNICORN_THREADS", "64") - 2))
)
VSEE_PLACE_WAIT_SECONDS = envfloat("VSEE_PLACE_WAIT_SECONDS", "2")
# Threads of a worker that run the portal's code at once; any number wait on VSee
# (portal/running.py). More contend for the GIL: a third of the CPU lost at 64.
RUNNING_THREADS = envint("RUNNING_THREADS", "4")
# Threads per process for the calls a page makes together (portal/vsee/together.py),
# beside each waiting page's own.
VSEE_CALLS_AT_ONCE = envint(
    "VSEE_CALLS_AT_ONCE", str(max(4, VSEE_MAX_CONCURRENT_CALLS))
)
VSEE_ROOM_CACHE_SECONDS = envint("VSEE_ROOM_CACHE_SECONDS", "60")
# The landing and room pages for visitors with no session yet are kept this long in the
# shared cache (0: not kept); a save in admin shows at once (portal/booking/page_cache.py).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", "10")
# Free times are kept this long (0: not kept); a booking, move or cancel made through the
# portal forgets them at once. VSee stays the judge: a time taken elsewhere meanwhile is
# refused at booking, and the picker says so.
VSEE_AVAILABILITY_CACHE_SECONDS = envint("VSEE_AVAILABILITY_CACHE_SECONDS", "10")
# Circuit breaker: after this many failures of VSee in a row (no answer, 5xx) within the
# window, calls fail at once for the cool-down (seconds); then one probe call decides.
VSEE_BREAKER_FAILURES = envint("VSEE_BREAKER_FAILURES", "5")
VSEE_BREAKER_WINDOW = envfloat("VSEE_BREAKER_WINDOW", "60")
VSEE_BREAKER_COOLDOWN = envfloat("VSEE_BREAKER_COOLDOWN", "30")
# /readyz asks VSee with this much patience (seconds), so a probe never hangs a worker.
VSEE_READY_TIMEOUT = envfloat("VSEE_READY_TIMEOUT", "2")
VSEE_READY_CACHE_SECONDS = envint("VSEE_READY_CACHE_SECONDS", "5")

# Key for the audit log's pseudonymous patient references (default: derived from SECRET_KEY).
AUDIT_KEY = envsecret("AUDIT_KEY", "")
# After a hand-off secret is rotated, the old one keeps working this long.
HANDOFF_SECRET_GRACE_HOURS = envint("HANDOFF_SECRET_GRACE_HOURS", "24")
# Keys the VSee patient code derived from a signed-in email. It must never change: a new key
# would map every returning patient to a new, empty VSee patient. Default: from SECRET_KEY.
PATIENT_CODE_KEY = envsecret("PATIENT_CODE_KEY", "")
if not PATIENT_CODE_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "PATIENT_CODE_KEY must be set when DEBUG is False (and never changed)"
    )

# Encrypts what the portal keeps to recognise a returning patient (their name and birth
# date, as first given). Several secrets, comma-separated: the first encrypts, all decrypt;
# to rotate, put a new one first, run `manage.py reseal_patients`, then drop the old one.
# Apart from SECRET_KEY on purpose: rotating that must never make these records unreadable.
PATIENT_DATA_KEYS = [
    k.strip() for k in envsecret("PATIENT_DATA_KEYS", "").split(",") if k.strip()
]
if not PATIENT_DATA_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("PATIENT_DATA_KEYS must be set when DEBUG is False")
    PATIENT_DATA_KEYS = [f"patient-data:{SECRET_KEY}"]

# The font of the signed consent record sent to VSee (a TrueType file with the letters of
# any name); blank: DejaVu Sans or Noto Sans where installed, else the PDF's own fonts.
CONSENT_PDF_FONT = env("CONSENT_PDF_FONT", "")

# Email one-time codes: how long a code lives, how many tries it gets, and how many codes
# one email address or one IP address may ask for in SIGN_IN_CODE_WINDOW_MINUTES.
SIGN_IN_CODE_MINUTES = envint("SIGN_IN_CODE_MINUTES", "10")
SIGN_IN_CODE_TRIES = envint("SIGN_IN_CODE_TRIES", "5")
SIGN_IN_CODES_PER_EMAIL = envint("SIGN_IN_CODES_PER_EMAIL", "3")
SIGN_IN_CODES_PER_IP = envint("SIGN_IN_CODES_PER_IP", "10")
SIGN_IN_CODE_WINDOW_MINUTES = envint("SIGN_IN_CODE_WINDOW_MINUTES", "15")
# Every other way in is limited in the same window, per IP address and for everyone
# together: a flood of guests or hand-offs would otherwise fill VSee with junk patients
# and the clinic's waiting room with junk walk-ins.
GUEST_SIGN_INS_PER_IP = envint("GUEST_SIGN_INS_PER_IP", "5")
GUEST_SIGN_INS_PER_WINDOW = envint("GUEST_SIGN_INS_PER_WINDOW", "100")
HANDOFFS_PER_IP = envint("HANDOFFS_PER_IP", "30")
HANDOFFS_PER_WINDOW = envint("HANDOFFS_PER_WINDOW", "1000")
# Walk-ins and questions a guest may open: per guest, and per IP address.
GUEST_VISITS_PER_GUEST = envint("GUEST_VISITS_PER_GUEST", "2")
GUEST_VISITS_PER_IP = envint("GUEST_VISITS_PER_IP", "3")

# Email: printed to the console in the local run; SMTP from the environment in production.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@localhost")
# The portal emails patients about their visits (confirmations, reminders, changes; each
# kind switched in admin) and asks VSee to send them none (users/sso disable_emails=1),
# so nobody gets two of everything. False: the portal sends only sign-in codes, and
# VSee's own emails are left on.
PORTAL_SENDS_EMAILS = envbool("PORTAL_SENDS_EMAILS", "True")

# Messages can carry a freshly generated secret: keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Fault injection for the sandbox, as a list of rules like the admin's (see sandbox/faults.py).
# Example: [{"endpoint": "visits.create", "error_rate": 1.0, "status": 503}]
SANDBOX_FAULTS: list[dict] = []
# `manage.py serve_sandbox`: this process serves the sandbox alone (no portal pages), and
# every API call waits SANDBOX_DELAY_MS first, like a distant VSee.
SANDBOX_ONLY = VSEE_SANDBOX_ENABLED and envbool("SANDBOX_ONLY", "False")
if SANDBOX_ONLY:
    ROOT_URLCONF = "sandbox.server_urls"
    SANDBOX_FAULTS = [
        {"endpoint": "*", "latency_ms": envint("SANDBOX_DELAY_MS", "0")},
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # runserver's request log would print full URLs; ours never carry PHI, but keep it quiet.
    "loggers": {"django.server": {"level": "WARNING"}},
}
