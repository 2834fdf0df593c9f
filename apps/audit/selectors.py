from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.audit.chain import ref
from apps.audit.models import AuditEvent

# What an event shows through the API and in a GDPR export (never a body: the trail has none).
EVENT_FIELDS = (
    "id", "created_at", "action", "status_code", "api_key_id", "target_type", "target_id",
    "end_user_id", "client_ip", "request_id", "redacted", "prev_hash", "hash",
)  # fmt: skip


def event_out(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready event; `user_id` is the end user (blank once redacted)."""
    out = {("user_id" if name == "end_user_id" else name): row[name] for name in EVENT_FIELDS}
    out["created_at"] = row["created_at"].isoformat()
    out["client_ip"] = str(row["client_ip"]) if row["client_ip"] else None
    return out


def audit_events_for_user(*, tenant_id: int, user_id: str) -> Iterator[dict[str, Any]]:
    """The events about one end user (theirs, or aimed at them by id), oldest first, JSON-ready:
    for the GDPR export. Found by keyed hash, so events already redacted are included."""
    if not user_id:
        return iter(())
    user_ref = ref(tenant_id=tenant_id, value=user_id)
    rows = (
        AuditEvent.unscoped.filter(tenant_id=tenant_id)
        .filter(Q(end_user_ref=user_ref) | Q(target_ref=user_ref))
        .order_by("id")
        .values(*EVENT_FIELDS)
    )
    return (event_out(row) for row in rows.iterator(chunk_size=2000))


@dataclass(frozen=True)
class LogQuery:
    user_id: str = ""
    action: str = ""
    api_key_id: int | None = None
    status: str = ""  # "404" or a class, "4xx"
    start_time: datetime | None = None
    end_time: datetime | None = None
    limit: int = 50
    cursor: int | None = None  # the last id of the previous page: newer events never shift it
    offset: int = 0


@dataclass
class LogPage:
    events: list[dict[str, Any]]
    next_cursor: str | None


def _status_filter(status: str) -> Q:
    if status.endswith("xx"):
        low = int(status[0]) * 100
        return Q(status_code__gte=low, status_code__lt=low + 100)
    return Q(status_code=int(status))


def audit_log_query(*, tenant_id: int, query: LogQuery) -> LogPage:
    """The tenant's events, newest first (by id, the chain's order), filtered and paginated.
    Each filter has an index led by (tenant, <filter>, id), so a page reads `limit` entries of
    one index whatever the table's size; a time range uses (tenant, created_at)."""
    events = AuditEvent.unscoped.filter(tenant_id=tenant_id)
    if query.user_id:  # by keyed hash: redacted events of the user are found, never shown by id
        events = events.filter(end_user_ref=ref(tenant_id=tenant_id, value=query.user_id))
    if query.action:
        events = events.filter(action=query.action)
    if query.api_key_id is not None:
        events = events.filter(api_key_id=query.api_key_id)
    if query.status:
        events = events.filter(_status_filter(query.status))
    if query.start_time is not None:
        events = events.filter(created_at__gte=query.start_time)
    if query.end_time is not None:
        events = events.filter(created_at__lt=query.end_time)
    if query.cursor is not None:
        events = events.filter(id__lt=query.cursor)
    window = query.offset, query.offset + query.limit + 1  # one more: is there a next page?
    rows = list(events.order_by("-id").values(*EVENT_FIELDS)[window[0] : window[1]])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = str(rows[-1]["id"]) if more and rows else None
    return LogPage(events=[event_out(row) for row in rows], next_cursor=next_cursor)


@dataclass
class Stats:
    total_events: int
    by_action: dict[str, int]
    by_status: dict[str, int]
    by_day: list[dict[str, Any]]
    days: int


def audit_stats(*, tenant_id: int, days: int | None = None) -> Stats:
    """Counts by action, status and UTC day. With `days`, everything covers the last `days` days
    (today included); without, totals are all time and `by_day` shows the last 30 days. Grouping
    by action or status is an index-only scan of (tenant, action, id) / (tenant, status_code, id);
    by day reads (tenant, created_at) over the window only."""
    today = timezone.now().astimezone(UTC).date()
    window = days or 30
    first_day = today - timedelta(days=window - 1)
    since = datetime.combine(first_day, time.min, tzinfo=UTC)
    events = AuditEvent.unscoped.filter(tenant_id=tenant_id).order_by()
    scoped = events.filter(created_at__gte=since) if days else events

    def grouped(field: str) -> dict[str, int]:
        rows = scoped.values_list(field).annotate(n=Count("id")).order_by("-n", field)
        return {str(value): n for value, n in rows}

    per_day = dict(
        events.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    by_day = [
        {"day": (day := first_day + timedelta(days=i)).isoformat(), "count": per_day.get(day, 0)}
        for i in range(window)
    ]
    by_action = grouped("action")
    return Stats(
        total_events=sum(by_action.values()),
        by_action=by_action,
        by_status=grouped("status_code"),
        by_day=by_day,
        days=window,
    )
