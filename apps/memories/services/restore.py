"""Undoing a soft delete: the memories a delete set to `deleted` come back."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from apps.memories import registry
from apps.memories.models import Memory, MemoryVersion
from apps.memories.services.memories import index_text, term_stats_apply
from apps.tenants.models import Tenant


def memories_restore(*, tenant: Tenant, memory_ids: Sequence[str | UUID], actor: str) -> int:
    """Status `activated` again for those of `memory_ids` that are `deleted`, each with an UPDATE
    version (old value none, new value its text: the reverse of the DELETE version), back in
    search, listing and the keyword statistics. How many came back.

    What hangs off the memories follows them back (`registry.memories_restored`: the graph
    reopens the edges the delete closed)."""
    if not memory_ids:
        return 0
    with transaction.atomic():
        locked = list(
            Memory.objects.select_for_update()
            .filter(tenant=tenant, pk__in=list(memory_ids), status=Memory.Status.DELETED)
            .order_by("pk")
        )
        now = timezone.now()
        for memory in locked:
            memory.status = Memory.Status.ACTIVATED
            memory.version += 1
            memory.updated_at = now
        Memory.objects.bulk_update(locked, ["status", "version", "updated_at"])
        MemoryVersion.objects.bulk_create(
            [
                MemoryVersion(tenant=tenant, memory=m, version=m.version, event="UPDATE",
                              old_value=None, new_value=m.value, actor=actor)
                for m in locked
            ]
        )  # fmt: skip
        by_user: dict[str, list[str]] = {}
        for memory in locked:
            by_user.setdefault(memory.user_id, []).append(index_text(memory))
        for user_id, values in by_user.items():
            term_stats_apply(tenant_id=tenant.pk, user_id=user_id, added=values, removed=[])
        registry.memories_restored(tenant=tenant, memory_ids=[str(m.pk) for m in locked])
    return len(locked)
