from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.memories.services import MemoryIn, Scope, memories_create
from apps.tenants.models import Tenant


def make_memories(tenant: Tenant, user_id: str, values: list[str], **kwargs) -> list[Memory]:
    with tenant_scope(tenant.pk):
        return memories_create(
            tenant=tenant,
            scope=Scope(user_id=user_id),
            items=[MemoryIn(value=v, **kwargs) for v in values],
            actor="test",
        )
