"""Settings for every environment, driven by environment variables (see README)."""

import datetime
import os
import re
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Local state: the default SQLite database, and the cache `manage.py serve` shares between its workers.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DEBUG", default=False)

# A fixed key is only acceptable for local work; production must set its own.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="insecure-local-development-key-do-not-use-in-production" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo content (and its well-known editor password) may only be loaded when
# this is on; it follows DEBUG so that production never gets it by accident.
DEMO_CONTENT = env.bool("DEMO_CONTENT", default=DEBUG)

INSTALLED_APPS = [
    "config.apps.WorkspaceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "reversion_compare",
    "adminsortable2",
    "axes",
    "csp",
    # The article body's editor (ProseMirror): its scripts, styles and icon font are static files.
    "django_prose_editor",
    "core",
    "relations",
    "newsroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every HTML page gets the site's Content-Security-Policy unless it set its own (the embeds do); a
    # page from the cache gets it too, on the way out.
    "csp.middleware.CSPMiddleware",
    # Readers' pages, embeds, /embed.js and oEmbed from the cache before sessions, auth and CSRF run:
    # they use none of them.
    "core.public_cache.PublicCacheMiddleware",
    # Before CommonMiddleware, which may answer (a redirect) before CORS headers are added.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.api.ApiCacheMiddleware",
    # Last, so that it sees a database failure from any view: readers get a plain 503 page.
    "config.health.DatabaseUnavailableMiddleware",
    # Turns a refused sign-in (too many failures) into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    # The embedded default: the first run needs nothing but Python.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'newsroom.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Opening a connection costs more than most requests: production keeps each one for a minute. Every
# worker process keeps its own (the server's sync workers run one request at a time), so the server
# holds as many connections as it has workers. A connection the database dropped meanwhile is
# replaced before use rather than failing the request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer should fail a request (and the health check) in seconds, not hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # Reads here are short index lookups: compiling them (PostgreSQL's JIT, which their estimated
    # cost can trigger) took longer than running them.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a management command writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process has its own local-memory cache: several workers or hosts need a shared one
# (`manage.py serve` gives its workers a file-based cache unless CACHE_URL names another).
CACHE_URL = env.str("CACHE_URL", default="locmemcache://")
# django-environ would hand redis:// to django-redis whenever that happens to be installed;
# Django's own backend, on the pinned redis client, is the one this project runs (keeping its
# client between calls, config/cache.py).
CACHES = {
    "default": env.cache_url_config(
        CACHE_URL, backend="config.cache.RedisCache" if CACHE_URL.startswith("redis") else None
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# Publishing a story or a fact box that shows claims nobody has checked yet: "confirm" asks the editor
# to confirm them by name (the answer goes into the audit trail), "refuse" refuses until they have a verdict.
PUBLISH_UNVERIFIED = env.str("PUBLISH_UNVERIFIED", default="confirm")
if PUBLISH_UNVERIFIED not in ("confirm", "refuse"):
    raise ImproperlyConfigured(f"PUBLISH_UNVERIFIED must be confirm or refuse, not {PUBLISH_UNVERIFIED!r}.")

# The FollowTheMoney export (manage.py export_ftm): every entity id starts with this prefix, so that
# loaders tell this newsroom's entities from others' and a re-export updates the ones they hold.
FTM_ID_PREFIX = env.str("FTM_ID_PREFIX", default="newsroom")
if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", FTM_ID_PREFIX):
    raise ImproperlyConfigured(
        f"FTM_ID_PREFIX must be lower-case letters, digits and hyphens (at most 40), not {FTM_ID_PREFIX!r}."
    )

# The public API: read-only, anonymous, paginated, throttled. No authentication class,
# so it never reads a session: no cookie, no CSRF, nothing that varies per reader.
API_ANON_RATE = env.str("API_ANON_RATE", default="600/minute")
# DRF would only fail on the first request, with a 500 on every one after it.
if not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", API_ANON_RATE):
    raise ImproperlyConfigured(
        f"API_ANON_RATE must read like 600/minute (a number per second, minute, hour or day), not {API_ANON_RATE!r}."
    )
API_MAX_AGE = env.int("API_MAX_AGE", default=60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend", "core.api.OrderingFilter"],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPagination",
    "PAGE_SIZE": 20,
    # The browsable API is a convenience for local work; production answers JSON only.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.ContentNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE},
    # How many proxies append to X-Forwarded-For in front of the app: the throttle counts the address
    # the outermost one saw. Left unset, DRF would key on the whole header, which any client can vary;
    # none is trusted unless configured, since with no proxy in front the header is the client's own.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom relations API",
    "DESCRIPTION": (
        "Read-only access to everything the newsroom has published: stories, the actors they are about, "
        "the relationships between them, the claims that bear on those relationships with their sources and "
        "verification, and the fact boxes built from them. Nothing unpublished is ever served.\n\n"
        "Lists are cursor-paginated: follow `next` until it is null. Answers carry an `ETag` (send it back "
        "in `If-None-Match` for a 304) and `Cache-Control: public`. Any site may read the API from a browser "
        "(CORS). Anonymous clients are rate-limited (429 with `Retry-After`); while the database is out of "
        "reach every request answers 503, also with `Retry-After`. Errors share one shape, "
        "`{status, detail, errors?}`; an invalid parameter answers 400 naming it, and unknown parameters are "
        "ignored. Writes answer 405."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags come from the collection ("actors"), not from the version segment.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_path_parameters",
        "config.api_schema.document_errors",
    ],
    # The docs group operations by collection, in the order a partner meets them.
    "TAGS": [
        {"name": "articles", "description": "Live stories, with the actors, claims and fact boxes they show."},
        {"name": "factboxes", "description": "Published fact boxes: each one's current version, embeds and stories."},
        {"name": "claims", "description": "Claims from live content: attribution, verification, sources, stories."},
        {"name": "actors", "description": "Countries, people, organisations and blocs, and the network around each."},
        {"name": "relationships", "description": "Dated ties between two actors, with the claims bearing on them."},
        {"name": "relationship-types", "description": "The vocabulary relationships are described in."},
        {"name": "changes", "description": "What became public, changed or was withdrawn, newest first: for syncing."},
    ],
    # Several models have a "kind" or a "status": each enum is named for its model, not numbered.
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "relations.models.Actor.Kind",
        "ClaimKindEnum": "relations.models.Claim.Kind",
        "RelationshipStatusEnum": "relations.models.Relationship.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# A public API: any site may read it from a browser, but only read it.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Conditional requests from scripts need If-None-Match allowed, and their ETag, Retry-After and Link (the
# root's links to the documentation) readable;
# there are no credentials or CSRF tokens to accept.
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "content-type",
    "if-modified-since",
    "if-none-match",
    "user-agent",
    "x-requested-with",
]
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Retry-After"]

# Signing in: after LOGIN_FAILURE_LIMIT wrong passwords for one account from one address, that account
# may not sign in from that address for LOGIN_LOCKOUT_MINUTES (django-axes). Others, and the same
# account elsewhere, are unaffected; the address is the one the API throttle counts (API_NUM_PROXIES).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.api.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.admin.locked_out"
# The lockout rule is logged once per process otherwise, on every management command.
AXES_VERBOSE = False

# Security: safe by default, relaxed only where DEBUG says this is a laptop.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=True) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the app servers over plain HTTP; a redirect would read as unhealthy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy of every page but the embeds (which send their own, with the sites that may
# frame them): scripts, styles, images and fonts from this site only, no inline script or style, and
# no framing by other sites. A page that needs an inline block states its hash (config/health.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The nonce is sent only on pages that ask for it: the body editor's import map is inline.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The admin previews fact boxes in a frame of this site's embed.
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The article body's editor: the newsroom's additions to django-prose-editor, loaded with it
# (newsroom/static/newsroom/admin/body-editor.js); which tags each keeps is richtext.py's.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("newsroom/admin/body-editor.js")],
        "extensions": {"NewsroomBody": html_tags([]), "CiteClaim": html_tags(["mark"], {"mark": ["data-claim"]})},
    }
]

# Embeds: who may frame the fact box and story embeds (CSP frame-ancestors sources; "*" is any
# site), and how long browsers and CDNs may reuse an embed or oEmbed answer before revalidating.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])
EMBED_MAX_AGE = env.int("EMBED_MAX_AGE", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
