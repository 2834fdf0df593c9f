from __future__ import annotations

from apps.audit.models import AuditEvent


def _clean(value: object, limit: int) -> str:
    return str(value).replace("\x00", "")[:limit]


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
        client_ip=client_ip,
        status_code=status_code,
        request_id=_clean(request_id, 64),
    )
