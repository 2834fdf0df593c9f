from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q

from apps.audit.chain import ref
from apps.audit.models import AuditEvent

# What an event shows through the API and in a GDPR export (never a body: the trail has none).
EVENT_FIELDS = (
    "id", "created_at", "action", "status_code", "api_key_id", "target_type", "target_id",
    "end_user_id", "client_ip", "request_id", "redacted", "prev_hash", "hash",
)  # fmt: skip


def event_out(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready event; `user_id` is the end user (blank once redacted)."""
    out = {name: row[name] for name in EVENT_FIELDS if name != "end_user_id"}
    out["user_id"] = row["end_user_id"]
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
