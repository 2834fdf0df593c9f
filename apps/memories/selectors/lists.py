"""Reads besides search: listing, history, raw messages, batches and lookups by kind, tag or
segment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from apps.memories.filters import compile_filters
from apps.memories.models import AddBatch, Memory, MemoryVersion, Message
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table


def memory_list(
    *,
    tenant: Tenant,
    user_id: str | None = None,
    agent_id: str | None = None,
    conversation_id: str | None = None,
    memory_type: str | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[Memory]:
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
    return queryset.order_by("-created_at")


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
