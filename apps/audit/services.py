from __future__ import annotations

import ipaddress
import re

from apps.audit.models import AuditEvent

# A lone UTF-16 surrogate cannot be encoded by the driver: the insert would fail, and the audit
# row of a change already committed would be lost. The parser refuses them in bodies; a path,
# a header or a caller outside HTTP could still hand one over, so the audit trail cleans its own.
_SURROGATES = re.compile("[\ud800-\udfff]")


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
    return AuditEvent.unscoped.create(  # explicit tenant: written as the request ends
        tenant_id=tenant_id,
        api_key_id=api_key_id,
        action=_clean(action, 120),
        target_type=_clean(target_type, 60),
        target_id=_clean(target_id, 120),
        end_user_id=_clean(end_user_id, 200),
        client_ip=_clean_ip(client_ip),
        status_code=status_code,
        request_id=_clean(request_id, 64),
    )
