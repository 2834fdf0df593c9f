"""Per-tenant, per-day usage counters in Redis, read by the console's daily rollup.

Each (day, tenant) is one Redis hash, `mp:usage:<YYYY-MM-DD>:<tenant id or 0>`, that counters
are added to with HINCRBY in one pipeline (one round trip, two days to live). The beat task in
apps.console folds the hashes of today and yesterday into rows; no page view reads raw tables.

Counting is best effort: a Redis failure (or Redis known to be down) skips the count and never
fails the request or the task that was being counted."""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import redis
from django.http import HttpRequest, HttpResponse

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.ratelimit import redis_client
from apps.core.tenancy import current_tenant_id

KEY_PREFIX = "mp:usage:"
TTL_SECONDS = 3 * 86400
# Upper bounds (ms) of the latency histogram's buckets; a slower request lands in the last one.
LATENCY_BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
# Paths that are not API traffic: the console, its static files, probes, metrics, docs.
NOT_COUNTED = ("/admin/", "/static/", "/health", "/metrics", "/openapi.json", "/docs", "/redoc")
METRICS = {"requests", "errors_4xx", "errors_5xx", "llm_calls", "llm_tokens",
           "embedding_calls", "embedding_texts", "embedding_tokens"}  # fmt: skip


def usage_key(*, day: date, tenant_id: int | None) -> str:
    return f"{KEY_PREFIX}{day.isoformat()}:{tenant_id or 0}"


def _today() -> date:
    return datetime.now(UTC).date()


def _add(key: str, counts: dict[str, int]) -> None:
    if redis_known_down():
        return
    try:
        pipe = redis_client().pipeline(transaction=False)
        for field, n in counts.items():
            pipe.hincrby(key, field, n)
        pipe.expire(key, TTL_SECONDS)
        pipe.execute()
    except redis.RedisError as exc:
        redis_failed(exc)


def usage_count(*, metric: str, n: int = 1, tenant_id: int | None = None) -> None:
    """Add n to today's counter `metric` of the tenant (default: the current tenant scope)."""
    if metric not in METRICS:
        raise ValueError(f"unknown usage metric {metric!r}")
    if n <= 0:
        return
    tenant = tenant_id if tenant_id is not None else current_tenant_id()
    _add(usage_key(day=_today(), tenant_id=tenant), {metric: n})


def llm_usage_count(*, answer: object) -> None:
    """One LLM call, with its tokens when the OpenAI-shaped answer carries `usage`."""
    usage = answer.get("usage") if isinstance(answer, dict) else None
    tokens = usage.get("total_tokens") if isinstance(usage, dict) else None
    counts = {"llm_calls": 1}
    if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0:
        counts["llm_tokens"] = tokens
    _add(usage_key(day=_today(), tenant_id=current_tenant_id()), counts)


def embedding_usage_count(*, texts: int, tokens: int | None = None) -> None:
    """One embedding call of `texts` texts (and its tokens when the service says them)."""
    counts = {"embedding_calls": 1, "embedding_texts": texts}
    if tokens:
        counts["embedding_tokens"] = tokens
    _add(usage_key(day=_today(), tenant_id=current_tenant_id()), counts)


def latency_bucket(ms: float) -> int:
    return min(bisect.bisect_left(LATENCY_BUCKETS_MS, ms), len(LATENCY_BUCKETS_MS) - 1)


def percentile_ms(buckets: list[int], fraction: float) -> float | None:
    """The upper bound of the bucket that holds the given fraction of requests."""
    total = sum(buckets)
    if total == 0:
        return None
    needed = fraction * total
    running = 0
    for index, count in enumerate(buckets):
        running += count
        if running >= needed:
            return float(LATENCY_BUCKETS_MS[index])
    return float(LATENCY_BUCKETS_MS[-1])


class UsageMiddleware:
    """Counts API requests, 4xx and 5xx, and a latency histogram per tenant and day. The tenant
    is the one the API key acts for (stamped on the request by apps.core.auth); a request that
    never got that far (no key, bad key) counts under no tenant."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(NOT_COUNTED):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        status = response.status_code
        counts = {"requests": 1, f"lat_{latency_bucket(elapsed_ms)}": 1}
        if 400 <= status < 500:
            counts["errors_4xx"] = 1
        elif status >= 500:
            counts["errors_5xx"] = 1
        tenant_id = getattr(request, "usage_tenant_id", None)
        _add(usage_key(day=_today(), tenant_id=tenant_id), counts)
        return response
