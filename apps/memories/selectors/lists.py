"""Reads besides search: listing, history, raw messages, batches and lookups by kind, tag or
segment."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from apps.memories.filters import compile_filters
from apps.memories.models import AddBatch, Memory, MemoryVersion, Message
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table

# A turn a fact was drawn from: one of its messages is among the sources of a memory that is
# not a turn, of the same tenant (and user, when the listing names one). The set of those
# messages does not depend on the row, so PostgreSQL builds it once (a hashed subplan).
_DRAWN = f"""
    NOT ({TABLE}.kind = 'turn' AND EXISTS (
        SELECT 1 FROM jsonb_array_elements({TABLE}.sources) AS own
        WHERE own -> 'message_id' IN (
            SELECT source -> 'message_id'
            FROM {TABLE} AS fact, jsonb_array_elements(fact.sources) AS source
            WHERE fact.tenant_id = %s {{user}} AND fact.kind <> 'turn'
              AND source ? 'message_id'
        )
    ))
"""


def memory_list(
    *,
    tenant: Tenant,
    user_id: str | None = None,
    agent_id: str | None = None,
    conversation_id: str | None = None,
    memory_type: str | None = None,
    filters: dict[str, Any] | None = None,
    view: str = "all",
) -> QuerySet[Memory]:
    """Active memories of `tenant` in the scope, newest first; `view` (apps.memories.filters.
    VIEWS) chooses facts, turns, both, or the distilled list. In the distilled list a fact drawn
    from a turn hides it even once deleted or archived: a user who deleted the fact asked for
    it gone."""
    queryset = Memory.objects.filter(tenant=tenant, status=Memory.Status.ACTIVATED)
    for column, value in (
        ("user_id", user_id),
        ("agent_id", agent_id),
        ("conversation_id", conversation_id),
        ("memory_type", memory_type),
    ):
        if value:
            queryset = queryset.filter(**{column: value})
    if filters:
        sql, params = compile_filters(filters, alias=TABLE)
        queryset = queryset.extra(where=[sql], params=params)  # noqa: S610  (compiled, parameterised)
    return _viewed(queryset, tenant=tenant, user_id=user_id, view=view).order_by("-created_at")


def _viewed(
    queryset: QuerySet[Memory], *, tenant: Tenant, user_id: str | None, view: str
) -> QuerySet[Memory]:
    if view == "facts":
        return queryset.exclude(kind="turn")
    if view == "turns":
        return queryset.filter(kind="turn")
    if view == "distilled":
        user, params = (
            ("AND fact.user_id = %s", [tenant.pk, user_id]) if user_id else ("", [tenant.pk])
        )
        return queryset.extra(where=[_DRAWN.format(user=user)], params=params)  # noqa: S610
    if view != "all":
        raise ValueError(f"unknown view {view!r}")
    return queryset


def memory_history(*, tenant: Tenant, memory: Memory) -> QuerySet[MemoryVersion]:
    return MemoryVersion.objects.filter(tenant=tenant, memory=memory).order_by("version")


def message_list(
    *, tenant: Tenant, user_id: str, conversation_id: str | None = None
) -> QuerySet[Message]:
    queryset = Message.objects.filter(tenant=tenant, user_id=user_id)
    if conversation_id:
        queryset = queryset.filter(conversation_id=conversation_id)
    return queryset.order_by("timestamp", "id")


def memory_by_tags(
    *, tenant: Tenant, user_id: str, tags: list[str], match_all: bool, limit: int
) -> list[Memory]:
    queryset = Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED)
    queryset = (
        queryset.filter(tags__contains=tags) if match_all else queryset.filter(tags__overlap=tags)
    )
    return list(queryset.defer("embedding", "search_vector").order_by("-updated_at")[:limit])


def batch_get(*, tenant: Tenant, batch_id: str) -> AddBatch | None:
    return AddBatch.objects.filter(tenant=tenant, pk=batch_id).first()


def memories_by_kind(*, tenant: Tenant, kinds: Sequence[str]) -> QuerySet[Memory]:
    """Active memories of `tenant` of the given kinds ("qa", "faq", ...), vectors not loaded."""
    return Memory.objects.filter(
        tenant=tenant, kind__in=list(kinds), status=Memory.Status.ACTIVATED
    ).defer("embedding", "search_vector")


def memory_segment_ids(*, tenant: Tenant, memory_ids: Sequence[str | UUID]) -> list[str]:
    """The distinct topic segments (apps.pipeline.tiers) the given memories belong to."""
    rows = (
        Memory.objects.filter(tenant=tenant, pk__in=list(memory_ids))
        .exclude(segment=None)
        .values_list("segment_id", flat=True)
        .distinct()
    )
    return [str(segment_id) for segment_id in rows]


def memory_ids_live(
    *, tenant: Tenant, ids: Iterable[str | UUID] | QuerySet, exclude: Collection[str] = ()
) -> QuerySet[Memory]:
    """The ids among `ids` (a list, or a query of ids) of memories still standing: active, and
    not in `exclude`. Lazy (`.values("pk")`): an app above uses it as a subquery of its own
    query, so the answer stays one SQL statement."""
    ids = ids if isinstance(ids, QuerySet) else [str(i) for i in ids]
    return (
        Memory.objects.filter(tenant=tenant, status=Memory.Status.ACTIVATED, pk__in=ids)
        .exclude(pk__in=list(exclude))
        .values("pk")
    )
