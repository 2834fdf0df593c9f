"""The graph's entries in the per-user data registry (GDPR export and erasure): a user's
entities, edges, their sources and merges. Erased before the floor's memories (low order), so the
memories' own removal hook finds nothing left to do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from apps.graph.models import Entity, EntityMerge, Relation, RelationSource
from apps.memories.registry import UserData
from apps.tenants.models import Tenant


def user_sources(*, tenant: Tenant, user_id: str) -> QuerySet[RelationSource]:
    return RelationSource.objects.filter(tenant=tenant, relation__user_id=user_id)


def user_merges(*, tenant: Tenant, user_id: str) -> QuerySet[EntityMerge]:
    return EntityMerge.objects.filter(tenant=tenant, user_id=user_id)


def user_relations(*, tenant: Tenant, user_id: str) -> QuerySet[Relation]:
    return Relation.objects.filter(tenant=tenant, user_id=user_id)


def user_entities(*, tenant: Tenant, user_id: str) -> QuerySet[Entity]:
    return Entity.objects.filter(tenant=tenant, user_id=user_id)


def _entry(name: str, selector: Any, fields: tuple[str, ...], model: str, order: int) -> UserData:
    def export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
        rows = selector(tenant=tenant, user_id=user_id).order_by("pk")
        yield from rows.values(*fields).iterator(chunk_size=2000)

    def count(*, tenant: Tenant, user_id: str) -> int:
        return selector(tenant=tenant, user_id=user_id).count()

    def erase(*, tenant: Tenant, user_id: str) -> int:
        return selector(tenant=tenant, user_id=user_id).delete()[0]

    return UserData(name=name, export=export, count=count, erase=erase, models=(model,),
                    order=order)  # fmt: skip


def graph_user_data() -> list[UserData]:
    return [
        _entry("graph_sources", user_sources, ("relation_id", "memory_id", "message_id"),
               "graph.RelationSource", 10),
        _entry("graph_merges", user_merges,
               ("id", "entity_id", "into_id", "aliases_moved", "subject_relation_ids",
                "object_relation_ids", "actor", "created_at", "undone_at"),
               "graph.EntityMerge", 11),
        _entry("graph_relations", user_relations,
               ("id", "subject_id", "predicate", "object_id", "confidence", "valid_from",
                "valid_to", "recorded_at", "invalidated_at"), "graph.Relation", 12),
        _entry("graph_entities", user_entities,
               ("id", "name", "entity_type", "aliases", "merged_into_id", "created_at"),
               "graph.Entity", 13),
    ]  # fmt: skip
