from __future__ import annotations

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record


def record(tenant, **fields) -> AuditEvent:
    values = {"api_key_id": None, "action": "POST /v1/memory/add", "status_code": 201}
    return audit_record(tenant_id=tenant.pk, **(values | fields))


def chain(tenant) -> list[AuditEvent]:
    return list(AuditEvent.unscoped.filter(tenant=tenant).order_by("id"))
