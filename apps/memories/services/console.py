"""Writes the operator console makes on the floor's tables: archiving memories (and bringing
them back) and retrying a failed add batch. The admin calls these, never the tables."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from apps.core.errors import Conflict
from apps.memories import registry
from apps.memories.models import AddBatch, Memory, MemoryVersion
from apps.memories.services.add import _enqueue, batch_process
from apps.memories.services.memories import index_text, term_stats_apply
from apps.tenants.models import Tenant


def _status_move(
    *, tenant: Tenant, memory_ids: Sequence[str | UUID], actor: str, from_status: str, to: str
) -> list[Memory]:
    """Move the memories of `memory_ids` in `from_status` to `to`, each with an UPDATE version,
    the keyword statistics following. The moved memories, locked until the transaction ends."""
    locked = list(
        Memory.objects.select_for_update()
        .filter(tenant=tenant, pk__in=list(memory_ids), status=from_status)
        .order_by("pk")
    )
    now = timezone.now()
    for memory in locked:
        memory.status = to
        memory.version += 1
        memory.updated_at = now
    Memory.objects.bulk_update(locked, ["status", "version", "updated_at"])
    leaving = to != Memory.Status.ACTIVATED
    MemoryVersion.objects.bulk_create(
        [
            MemoryVersion(tenant=tenant, memory=m, version=m.version, event="UPDATE",
                          old_value=m.value if leaving else None,
                          new_value=None if leaving else m.value, actor=actor)
            for m in locked
        ]
    )  # fmt: skip
    by_user: dict[str, list[str]] = {}
    for memory in locked:
        by_user.setdefault(memory.user_id, []).append(index_text(memory))
    for user_id, values in by_user.items():
        added, removed = ([], values) if leaving else (values, [])
        term_stats_apply(tenant_id=tenant.pk, user_id=user_id, added=added, removed=removed)
    return locked


def memories_archive(*, tenant: Tenant, memory_ids: Sequence[str | UUID], actor: str) -> list[str]:
    """Active memories become `archived`: out of search and listing, kept (unlike a delete they
    are not the user's wish to forget: an operator put them aside). What was derived from them
    (graph edges) is retracted. The ids of those archived."""
    with transaction.atomic():
        moved = _status_move(
            tenant=tenant,
            memory_ids=memory_ids,
            actor=actor,
            from_status=Memory.Status.ACTIVATED,
            to=Memory.Status.ARCHIVED,
        )
        registry.memories_removed(tenant=tenant, memory_ids=[str(m.pk) for m in moved], erase=False)
    return [str(m.pk) for m in moved]


def memories_unarchive(
    *, tenant: Tenant, memory_ids: Sequence[str | UUID], actor: str
) -> list[str]:
    """Archived memories are `activated` again (an UPDATE version, back in search). Their ids."""
    with transaction.atomic():
        moved = _status_move(
            tenant=tenant,
            memory_ids=memory_ids,
            actor=actor,
            from_status=Memory.Status.ARCHIVED,
            to=Memory.Status.ACTIVATED,
        )
        # The graph reopens the edges the archive closed, where they still hold.
        registry.memories_restored(tenant=tenant, memory_ids=[str(m.pk) for m in moved])
    return [str(m.pk) for m in moved]


def batch_retry(*, tenant: Tenant, batch_id: str | UUID, actor: str) -> AddBatch:
    """A failed add batch queued again (status `queued`, error cleared) for a worker once the
    transaction commits; processed in this request when the queue is down. 409
    `batch_not_failed` for any other status."""
    with transaction.atomic():
        claimed = AddBatch.objects.filter(
            tenant=tenant, pk=batch_id, status=AddBatch.Status.FAILED
        ).update(status=AddBatch.Status.QUEUED, error="", updated_at=timezone.now())
        if not claimed:
            raise Conflict("Only a failed batch can be retried.", code="batch_not_failed")
    batch = AddBatch.objects.select_related("tenant").get(tenant=tenant, pk=batch_id)
    transaction.on_commit(lambda: _dispatch(batch=batch, actor=actor))
    return batch


def _dispatch(*, batch: AddBatch, actor: str) -> None:
    if not _enqueue(batch=batch, actor=actor):
        batch_process(batch=batch, actor=actor)
