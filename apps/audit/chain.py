"""The audit trail's hash chain.

Why: an operator (or an attacker) with database access can bypass the append-only trigger. Each
event's `hash` covers its fields and the previous event's hash, per tenant, so changing,
removing or reordering an event breaks every link after it, and `audit_verify` names the first
broken one. Truncating the newest events is not detectable from the table alone (there is no
later event to disagree); an operator who needs that keeps the head hash elsewhere.

GDPR erasure must remove the end user's id from the trail but keep the fact of the request, and
the chain must still verify afterwards. So the canonical form never holds the end user id or the
target id themselves, only `end_user_ref` / `target_ref`: HMACs of the tenant and the value under
AUDIT_HMAC_KEY. Blanking the raw values (the one UPDATE the trigger allows) leaves the hashes
intact; while a value is still there, verification also checks it against its ref, so editing it
is detected too.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from apps.audit.models import GENESIS, AuditEvent

VERSION = 1
# Columns read by verification, in the order of the canonical form.
FIELDS = (
    "id", "tenant_id", "created_at", "api_key_id", "action", "status_code", "target_type",
    "target_id", "target_ref", "end_user_id", "end_user_ref", "client_ip", "request_id",
    "redacted", "prev_hash", "hash",
)  # fmt: skip


def ref(*, tenant_id: int, value: str) -> str:
    """Keyed hash of an end user id or a target id within a tenant; '' for no value."""
    if not value:
        return ""
    message = f"{tenant_id}\x1f{value}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


def _ip(value: Any) -> str:
    return str(ipaddress.ip_address(str(value))) if value else ""


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(event: dict[str, Any]) -> str:
    """SHA-256 of the canonical form: a JSON array in a fixed order, the end user and the target
    only by their refs."""
    canonical = [
        VERSION,
        event["tenant_id"],
        _time(event["created_at"]),
        event["api_key_id"],
        event["action"],
        event["status_code"],
        event["target_type"],
        event["target_ref"],
        event["end_user_ref"],
        _ip(event["client_ip"]),
        event["request_id"],
        event["prev_hash"],
    ]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Break:
    event_id: int
    created_at: datetime
    field: str  # "prev_hash", "hash", "end_user_id" or "target_id"
    expected: str
    found: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "created_at": self.created_at.isoformat(),
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass
class Verification:
    tenant_id: int
    events_checked: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _check(event: dict[str, Any], prev_hash: str) -> Break | None:
    def broken(field: str, expected: str, found: str) -> Break:
        return Break(event["id"], event["created_at"], field, expected, found)

    if event["prev_hash"] != prev_hash:
        return broken("prev_hash", prev_hash, event["prev_hash"])
    expected = event_hash(event)
    if event["hash"] != expected:
        return broken("hash", expected, event["hash"])
    for raw, stored in (("end_user_id", "end_user_ref"), ("target_id", "target_ref")):
        if event[raw] or not event["redacted"]:  # a value still there must match its ref
            computed = ref(tenant_id=event["tenant_id"], value=event[raw])
            if computed != event[stored]:
                return broken(raw, event[stored], computed)
    return None


def _events(tenant_id: int, chunk: int) -> Iterator[dict[str, Any]]:
    rows = AuditEvent.unscoped.filter(tenant_id=tenant_id).order_by("id").values(*FIELDS)
    return rows.iterator(chunk_size=chunk)


def chain_verify(*, tenant_id: int, chunk: int = 5000) -> Verification:
    """Walk the tenant's events in id order; stop at the first broken link."""
    prev_hash, checked = GENESIS, 0
    for event in _events(tenant_id, chunk):
        checked += 1
        found = _check(event, prev_hash)
        if found is not None:
            return Verification(tenant_id, checked, found)
        prev_hash = event["hash"]
    return Verification(tenant_id, checked, None)
