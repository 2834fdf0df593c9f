from __future__ import annotations

import ipaddress
import re

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.audit.chain import event_hash, ref
from apps.audit.models import GENESIS, AuditEvent

# A lone UTF-16 surrogate cannot be encoded by the driver: the insert would fail, and the audit
# row of a change already committed would be lost. The parser refuses them in bodies; a path,
# a header or a caller outside HTTP could still hand one over, so the audit trail cleans its own.
_SURROGATES = re.compile("[\ud800-\udfff]")
# First key of the two-key advisory lock that serialises one tenant's appends ("AUDT").
_CHAIN_LOCK = 0x41554454
_HEAD = "SELECT hash FROM audit_auditevent WHERE tenant_id = %s ORDER BY id DESC LIMIT 1"


def _clean(value: object, limit: int) -> str:
    """Text the insert cannot fail on: NUL (PostgreSQL text refuses it) dropped, lone surrogates
    shown as U+FFFD, cut to the column's length."""
    return _SURROGATES.sub("\ufffd", str(value).replace("\x00", ""))[:limit]


def _clean_ip(value: str | None) -> str | None:
    """An address PostgreSQL's inet accepts, else None (a forwarded header may hold anything)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(_clean(value, 64).strip())
    except ValueError:
        return None
    return str(address).partition("%")[0]  # inet has no IPv6 zone (fe80::1%eth0)


def audit_record(
    *,
    tenant_id: int,
    api_key_id: int | None,
    action: str,
    status_code: int,
    target_type: str = "",
    target_id: str = "",
    end_user_id: str = "",
    client_ip: str | None = None,
    request_id: str = "",
) -> AuditEvent:
    """Append an event to the tenant's chain.

    Concurrent requests of one tenant must form one chain, so the append (read the head, hash,
    insert) holds a transaction-level advisory lock on the tenant: the next append of that tenant
    waits until this transaction ends and then sees this event as the head. Ids are taken under
    the lock, so id order is chain order. Other tenants never wait."""
    end_user_id = _clean(end_user_id, 200)
    target_id = _clean(target_id, 120)
    event = AuditEvent(
        tenant_id=tenant_id,
        api_key_id=api_key_id,
        action=_clean(action, 120),
        target_type=_clean(target_type, 60),
        target_id=target_id,
        target_ref=ref(tenant_id=tenant_id, value=target_id),
        end_user_id=end_user_id,
        end_user_ref=ref(tenant_id=tenant_id, value=end_user_id),
        client_ip=_clean_ip(client_ip),
        status_code=status_code,
        request_id=_clean(request_id, 64),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CHAIN_LOCK, tenant_id])
        # A statement of its own, after the lock: in READ COMMITTED it takes a fresh snapshot,
        # so it sees the event the previous holder committed. (Raw: a quarter of the ORM's cost.)
        cursor.execute(_HEAD, [tenant_id])
        head = cursor.fetchone()
        event.prev_hash = head[0] if head else GENESIS
        event.created_at = timezone.now()
        event.hash = event_hash(event.__dict__)
        event.save()  # explicit tenant: written as the request ends
    return event


def _naming_user(*, tenant_id: int, user_id: str) -> tuple[QuerySet, QuerySet]:
    """Events that still name the user: theirs (end_user_ref), and others aimed at them (a target
    named by their id, target_ref). Found by keyed hash, so redacted events are found too."""
    user_ref = ref(tenant_id=tenant_id, value=user_id)
    events = AuditEvent.unscoped.filter(tenant_id=tenant_id)
    own = events.filter(end_user_ref=user_ref).filter(~Q(end_user_id="") | ~Q(target_id=""))
    aimed = events.filter(target_ref=user_ref).exclude(end_user_ref=user_ref).exclude(target_id="")
    return own, aimed


def audit_user_count(*, tenant_id: int, user_id: str) -> int:
    """Events that still name the user (what `audit_user_redact` would change)."""
    if not user_id:
        return 0
    own, aimed = _naming_user(tenant_id=tenant_id, user_id=user_id)
    return own.count() + aimed.count()


def audit_user_redact(*, tenant_id: int, user_id: str) -> int:
    """GDPR erasure of the user from the audit trail: their events keep the fact of the request
    (action, time, key, status, address, request id) but lose the end user id and the target id
    (a memory, a batch or the user); another user's event aimed at them loses its target id. The
    chain stays valid: it hashes only the refs. This is the one UPDATE the append-only trigger
    allows. Idempotent; returns the number of events redacted."""
    if not user_id:
        return 0
    own, aimed = _naming_user(tenant_id=tenant_id, user_id=user_id)
    with transaction.atomic():
        count = own.update(end_user_id="", target_id="", redacted=True)
        return count + aimed.update(target_id="", redacted=True)
