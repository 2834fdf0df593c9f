"""A soft delete undone: the memories came back (apps.memories.services.memories_restore), so
the edges their deletion closed come back too (registered as a floor memory restore hook)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from apps.graph.models import SINGLE_VALUED, Relation, RelationSource
from apps.graph.services import slot_lock
from apps.tenants.models import Tenant


def graph_memories_restored(*, tenant: Tenant, memory_ids: Iterable[str]) -> int:
    """Deleted memories came back: the edges their deletion closed (`invalidated_at`, a source
    among them) are current again, unless the same fact, or for a single-valued predicate
    another object, is current now (what was learnt since wins). How many reopened."""
    ids = [str(m) for m in memory_ids]
    reopened = 0
    with transaction.atomic():
        closed = Relation.objects.filter(
            tenant=tenant,
            invalidated_at__isnull=False,
            valid_to__isnull=True,
            pk__in=RelationSource.objects.filter(tenant=tenant, memory_id__in=ids).values(
                "relation_id"
            ),
        ).order_by("pk")
        for relation in closed:
            if relation.predicate in SINGLE_VALUED:
                slot_lock(tenant=tenant, subject_id=relation.subject_id,
                           predicate=relation.predicate)  # fmt: skip
            current = Relation.objects.filter(
                tenant=tenant,
                user_id=relation.user_id,
                subject_id=relation.subject_id,
                predicate=relation.predicate,
                valid_to__isnull=True,
                invalidated_at__isnull=True,
            )
            if relation.predicate not in SINGLE_VALUED:
                current = current.filter(object_id=relation.object_id)
            if not current.exists():
                reopened += Relation.objects.filter(pk=relation.pk).update(invalidated_at=None)
    return reopened
