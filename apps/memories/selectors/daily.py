"""Per-tenant counts of one day, for the console's daily rollup (apps.console). Across all
tenants on purpose: the rollup is a platform job, and each count is a range on an indexed
`created_at` grouped by tenant, never a scan of a whole table."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from apps.memories.models import AddBatch, Memory, Message


def _per_tenant(queryset, *, start: datetime, end: datetime) -> dict[int, int]:  # noqa: ANN001
    rows = (
        queryset.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("tenant_id")
        .annotate(n=Count("pk"))
    )
    return {row["tenant_id"]: row["n"] for row in rows}


def daily_counts(*, start: datetime, end: datetime) -> dict[str, dict[int, int]]:
    """{"memories_added" | "messages_added" | "batches_failed": {tenant_id: n}} for [start, end)."""
    return {
        "memories_added": _per_tenant(Memory.unscoped.all(), start=start, end=end),
        "messages_added": _per_tenant(Message.unscoped.all(), start=start, end=end),
        "batches_failed": _per_tenant(
            AddBatch.unscoped.filter(status=AddBatch.Status.FAILED), start=start, end=end
        ),
    }
