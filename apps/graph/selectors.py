"""Graph reads: entities by label with their edges, paths, triples, statistics, history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet

from apps.core.errors import NotFound
from apps.graph import sql
from apps.graph.models import Entity, EntityMerge, Relation
from apps.graph.resolution import entities_by_name, key_slug, name_key
from apps.tenants.models import Tenant

QUERY_ENTITY_LIMIT = 20
QUERY_RELATION_LIMIT = 200


def entity_out(entity: Entity) -> dict[str, Any]:
    return {
        "id": key_slug(entity.key),
        "label": entity.name,
        "entity_type": entity.entity_type,
        "entity_id": entity.pk,
        "aliases": entity.aliases,
        "user_id": entity.user_id,
    }


def triple_out(relation: Relation) -> dict[str, Any]:
    return {
        "subject": key_slug(relation.subject.key),
        "predicate": relation.predicate,
        "object": key_slug(relation.object.key),
        "relation_id": relation.pk,
        "subject_label": relation.subject.name,
        "object_label": relation.object.name,
        "confidence": relation.confidence,
        "valid_from": relation.valid_from,
        "valid_to": relation.valid_to,
        "invalidated_at": relation.invalidated_at,
        "user_id": relation.user_id,
    }


def _relations(*, tenant: Tenant, user_id: str | None) -> QuerySet[Relation]:
    rows = Relation.objects.filter(tenant=tenant).select_related("subject", "object")
    return rows if user_id is None else rows.filter(user_id=user_id)


def current(rows: QuerySet[Relation]) -> QuerySet[Relation]:
    return rows.filter(valid_to__isnull=True, invalidated_at__isnull=True)


def graph_query(*, tenant: Tenant, query: str, user_id: str | None = None) -> dict[str, Any]:
    """Entities whose name or alias is the label (else contains it), with their current edges."""
    entities = entities_by_name(tenant=tenant, name=query, user_id=user_id)
    if not entities:
        key = name_key(query)
        rows = Entity.objects.filter(tenant=tenant, merged_into__isnull=True, key__contains=key)
        if user_id is not None:
            rows = rows.filter(user_id=user_id)
        entities = list(rows.order_by("key", "pk")[:QUERY_ENTITY_LIMIT]) if key else []
    ids = [e.pk for e in entities[:QUERY_ENTITY_LIMIT]]
    relations = current(_relations(tenant=tenant, user_id=user_id)).filter(
        Q(subject_id__in=ids) | Q(object_id__in=ids)
    )
    return {
        "entities": [entity_out(e) for e in entities[:QUERY_ENTITY_LIMIT]],
        "triples": [triple_out(r) for r in relations.order_by("pk")[:QUERY_RELATION_LIMIT]],
    }


def graph_path_find(
    *,
    tenant: Tenant,
    source: str,
    target: str,
    max_depth: int,
    user_id: str | None = None,
    both_directions: bool = False,
) -> dict[str, Any]:
    sources = [e.pk for e in entities_by_name(tenant=tenant, name=source, user_id=user_id)]
    targets = [e.pk for e in entities_by_name(tenant=tenant, name=target, user_id=user_id)]
    found = sql.paths_find(
        tenant_id=tenant.pk,
        sources=sources,
        targets=targets,
        max_depth=max_depth,
        limit=settings.GRAPH_PATH_MAX_PATHS,
        both_directions=both_directions,
    )
    node_ids = {pk for nodes, _ in found for pk in nodes}
    slugs = {
        pk: key_slug(key)
        for pk, key in Entity.objects.filter(tenant=tenant, pk__in=node_ids).values_list(
            "pk", "key"
        )
    }
    paths = []
    for nodes, preds in found:
        path = [slugs[nodes[0]]]
        for pred, node in zip(preds, nodes[1:], strict=True):
            path += [pred, slugs[node]]
        paths.append(path)
    return {"paths": paths, "count": len(paths)}


def graph_triples(
    *,
    tenant: Tenant,
    limit: int,
    offset: int,
    user_id: str | None = None,
    include_history: bool = False,
) -> dict[str, Any]:
    rows = _relations(tenant=tenant, user_id=user_id)
    if not include_history:
        rows = current(rows)
    page = list(rows.order_by("pk")[offset : offset + limit])
    return {
        "triples": [triple_out(r) for r in page],
        "count": rows.count(),
        "limit": limit,
        "offset": offset,
    }


def graph_stats(*, tenant: Tenant, user_id: str | None = None) -> dict[str, Any]:
    entities = Entity.objects.filter(tenant=tenant, merged_into__isnull=True)
    relations = Relation.objects.filter(tenant=tenant)
    merges = EntityMerge.objects.filter(tenant=tenant, undone_at__isnull=True)
    if user_id is not None:
        entities, relations = entities.filter(user_id=user_id), relations.filter(user_id=user_id)
        merges = merges.filter(user_id=user_id)
    counts = relations.aggregate(
        live=Count("pk", filter=Q(valid_to__isnull=True, invalidated_at__isnull=True)),
        closed=Count("pk", filter=Q(valid_to__isnull=False, invalidated_at__isnull=True)),
        retracted=Count("pk", filter=Q(invalidated_at__isnull=False)),
    )
    predicates = current(relations).values("predicate").annotate(n=Count("pk"))
    types = entities.values("entity_type").annotate(n=Count("pk"))
    return {
        "entity_count": entities.count(),
        "relation_count": counts["live"],
        "closed_relation_count": counts["closed"],
        "retracted_relation_count": counts["retracted"],
        "merge_count": merges.count(),
        "predicates": {row["predicate"]: row["n"] for row in predicates.order_by("predicate")},
        "entity_types": {row["entity_type"]: row["n"] for row in types.order_by("entity_type")},
    }


def entity_history(*, tenant: Tenant, entity_id: int) -> dict[str, Any]:
    """Every edge of the entity, current, closed by a contradiction or retracted, oldest first,
    and the merges it took part in."""
    entity = Entity.objects.filter(tenant=tenant, pk=entity_id).first()
    if entity is None:
        raise NotFound(f"Entity {entity_id} not found.", code="entity_not_found")
    relations = _relations(tenant=tenant, user_id=None).filter(Q(subject=entity) | Q(object=entity))
    merges = EntityMerge.objects.filter(tenant=tenant).filter(Q(entity=entity) | Q(into=entity))
    return {
        "entity": {**entity_out(entity), "merged_into": entity.merged_into_id},
        "history": [
            {**triple_out(r), "current": r.current}
            for r in relations.order_by("valid_from", "pk")[:1000]
        ],
        "merges": [merge_out(m) for m in merges.order_by("created_at", "pk")],
    }


def merge_out(merge: EntityMerge) -> dict[str, Any]:
    return {
        "merge_id": merge.pk,
        "entity_id": merge.entity_id,
        "into_id": merge.into_id,
        "aliases_moved": merge.aliases_moved,
        "relations_repointed": len(merge.subject_relation_ids) + len(merge.object_relation_ids),
        "created_at": merge.created_at,
        "undone_at": merge.undone_at,
    }


# --- mem0's `relations` (apps.compat through the floor's relation provider) --------------------


def mem0_relation(relation: Relation) -> dict[str, Any]:
    """mem0's hosted shape of an edge: lower-case names (our keys), its relationship and types."""
    return {
        "source": relation.subject.key,
        "source_type": relation.subject.entity_type.lower(),
        "relationship": relation.predicate,
        "target": relation.object.key,
        "target_type": relation.object.entity_type.lower(),
    }


def relations_for_user(
    *, tenant: Tenant, user_id: str, query: str | None = None, limit: int
) -> list[dict[str, Any]]:
    """The user's current edges in mem0's shape ("" is the tenant-wide graph): with a query,
    those touching an entity the query names come first; then the most recent."""
    rows = current(_relations(tenant=tenant, user_id=user_id))
    named = []
    if query:
        named = sql.entities_named_in(
            tenant_id=tenant.pk, user_id=user_id, text_key=name_key(query), limit=QUERY_ENTITY_LIMIT
        )
    first: list[Relation] = []
    if named:
        touching = rows.filter(Q(subject_id__in=named) | Q(object_id__in=named))
        first = list(touching.order_by("-recorded_at", "-pk")[:limit])
    rest = rows.exclude(pk__in=[r.pk for r in first]).order_by("-recorded_at", "-pk")
    return [mem0_relation(r) for r in [*first, *rest[: max(limit - len(first), 0)]]]


def relation_users(*, tenant: Tenant) -> dict[str, tuple[datetime, datetime]]:
    """End users with current edges (not the tenant-wide graph): when their first and last
    current edges were recorded."""
    rows = (
        current(Relation.objects.filter(tenant=tenant))
        .exclude(user_id="")
        .values("user_id")
        .annotate(first=Min("recorded_at"), last=Max("recorded_at"))
    )
    return {row["user_id"]: (row["first"], row["last"]) for row in rows}


def relation_changes(*, tenant: Tenant, message_ids: list[int]) -> dict[str, list[Any]]:
    """What an add's messages did to the graph, as mem0's `Memory.add` reports it: the edges
    they are a source of (`added_entities`) and the older edges of a single-valued predicate
    those closed (`deleted_entities`), each as a list of one edge (mem0 gives one query result
    per edge)."""
    if not message_ids:
        return {"deleted_entities": [], "added_entities": []}
    added = list(
        Relation.objects.filter(tenant=tenant, sources__message_id__in=message_ids)
        .select_related("subject", "object")
        .distinct()
        .order_by("pk")
    )
    closed = Q(pk__in=[])
    for edge in added:
        closed |= Q(subject_id=edge.subject_id, predicate=edge.predicate,
                    valid_to=edge.valid_from)  # fmt: skip
    deleted = (
        Relation.objects.filter(tenant=tenant, invalidated_at__isnull=True)
        .filter(closed)
        .exclude(pk__in=[e.pk for e in added])
        .select_related("subject", "object")
        .order_by("pk")
    )
    return {
        "deleted_entities": [[_short(r)] for r in deleted],
        "added_entities": [[_short(r)] for r in added],
    }


def _short(relation: Relation) -> dict[str, Any]:
    """mem0's open-source shape of one edge (its graph store's query results)."""
    return {
        "source": relation.subject.key,
        "relationship": relation.predicate,
        "target": relation.object.key,
    }
