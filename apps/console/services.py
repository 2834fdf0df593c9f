"""The daily rollup: Redis usage counters and the owning apps' day counts, folded into
DailyUsage rows. Idempotent: a run recomputes each row of the day from its sources and writes
it whole (an upsert), so running it twice, or after a crash, never counts anything twice."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

import redis
from django.db import transaction

from apps.console.models import DailyUsage
from apps.core.degraded import redis_failed
from apps.core.ratelimit import redis_client
from apps.core.usage import KEY_PREFIX, LATENCY_BUCKETS_MS, METRICS, percentile_ms
from apps.memories.selectors.daily import daily_counts
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)
DB_FIELDS = ("memories_added", "messages_added", "batches_failed")


def _redis_day(day: date) -> dict[int | None, dict[str, int]] | None:
    """{tenant_id or None: {field: n}} from the day's usage hashes; None when Redis fails."""
    found: dict[int | None, dict[str, int]] = {}
    try:
        client = redis_client()
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}{day.isoformat()}:*", count=500))
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        hashes = pipe.execute()
    except redis.RedisError as exc:
        redis_failed(exc)
        return None
    for key, values in zip(keys, hashes, strict=True):
        raw_tenant = key.decode().rsplit(":", 1)[-1]
        tenant_id = int(raw_tenant) or None if raw_tenant.isdigit() else None
        found[tenant_id] = {k.decode(): int(v) for k, v in values.items()}
    return found


def _row_values(counters: dict[str, int]) -> dict[str, object]:
    buckets = [counters.get(f"lat_{i}", 0) for i in range(len(LATENCY_BUCKETS_MS))]
    values: dict[str, object] = {m: counters.get(m, 0) for m in METRICS}
    values.update(latency_buckets=buckets, p50_ms=percentile_ms(buckets, 0.50),
                  p95_ms=percentile_ms(buckets, 0.95))  # fmt: skip
    return values


def usage_rollup_day(*, day: date) -> int:
    """Writes the day's rows; returns how many. Without Redis the request and LLM figures of
    rows already written are kept and only the database counts are refreshed."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    counts = daily_counts(start=start, end=start + timedelta(days=1))
    counters = _redis_day(day)
    live = set(Tenant.objects.values_list("pk", flat=True))
    tenants: set[int | None] = {t for per in counts.values() for t in per}
    tenants |= set(counters or {})
    written = 0
    with transaction.atomic():
        for tenant_id in tenants:
            if tenant_id is not None and tenant_id not in live:
                continue  # counters of a tenant deleted since
            values: dict[str, object] = {f: counts[f].get(tenant_id, 0) for f in DB_FIELDS}
            if counters is not None:
                values.update(_row_values(counters.get(tenant_id, {})))
            DailyUsage.objects.update_or_create(tenant_id=tenant_id, day=day, defaults=values)
            written += 1
    return written


def usage_rollup(*, today: date | None = None) -> int:
    """Today's and yesterday's rows (yesterday's last minutes land after midnight)."""
    today = today or datetime.now(UTC).date()
    return sum(usage_rollup_day(day=d) for d in (today - timedelta(days=1), today))
