"""Reads of the rollup for the dashboard and the tenant page (never the raw tables)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import Sum

from apps.console.models import DailyUsage
from apps.core.usage import LATENCY_BUCKETS_MS, percentile_ms

SUMMED = ("requests", "errors_4xx", "errors_5xx", "memories_added", "messages_added",
          "batches_failed", "llm_calls", "llm_tokens", "embedding_calls", "embedding_texts",
          "embedding_tokens")  # fmt: skip


@dataclass
class DaySeries:
    days: list[date]
    values: dict[str, list[int]] = field(default_factory=dict)
    p50_ms: list[float | None] = field(default_factory=list)
    p95_ms: list[float | None] = field(default_factory=list)


def usage_days(*, days: int, tenant_id: int | None = None, today: date | None = None) -> DaySeries:
    """Per-day sums over all tenants (or one), oldest first; p50/p95 from the summed buckets."""
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    series = DaySeries(days=[first + timedelta(days=i) for i in range(days)])
    index = {day: i for i, day in enumerate(series.days)}
    series.values = {name: [0] * days for name in SUMMED}
    buckets = [[0] * len(LATENCY_BUCKETS_MS) for _ in range(days)]
    rows = DailyUsage.objects.filter(day__gte=first, day__lte=today)
    if tenant_id is not None:
        rows = rows.filter(tenant_id=tenant_id)
    for row in rows.iterator():
        i = index[row.day]
        for name in SUMMED:
            series.values[name][i] += getattr(row, name)
        for b, n in enumerate(row.latency_buckets[: len(LATENCY_BUCKETS_MS)]):
            buckets[i][b] += int(n)
    series.p50_ms = [percentile_ms(b, 0.50) for b in buckets]
    series.p95_ms = [percentile_ms(b, 0.95) for b in buckets]
    return series


def usage_by_tenant(*, days: int, limit: int = 12) -> list[dict]:
    """Totals per tenant over the last `days` days, busiest (LLM + embedding calls) first."""
    first = datetime.now(UTC).date() - timedelta(days=days - 1)
    rows = (
        DailyUsage.objects.filter(day__gte=first, tenant__isnull=False)
        .values("tenant_id", "tenant__slug")
        .annotate(**{name: Sum(name) for name in SUMMED})
    )
    ranked = sorted(rows, key=lambda r: -(r["llm_calls"] + r["embedding_calls"] + r["requests"]))
    return ranked[:limit]


def usage_totals(*, tenant_id: int, days: int) -> dict[str, int]:
    first = datetime.now(UTC).date() - timedelta(days=days - 1)
    sums = DailyUsage.objects.filter(tenant_id=tenant_id, day__gte=first).aggregate(
        **{name: Sum(name) for name in SUMMED}
    )
    return {name: int(sums[name] or 0) for name in SUMMED}
