"""One end user's rows in the floor's tables, as the GDPR export writes them (JSON-ready dicts,
streamed: a user may have millions). Vectors and the tsvector are derived from the text and left
out; everything the user told us, or we inferred from it, is in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from apps.jobs.selectors import jobs_naming_user
from apps.memories.models import AddBatch, ImportStage, Memory, MemoryVersion, Message, TermStat
from apps.tenants.models import Tenant

CHUNK = 2000
MEMORY_FIELDS = ("id", "agent_id", "conversation_id", "memory_type", "key", "value", "kind",
                 "slot", "mentions", "segment_id", "tags", "metadata", "confidence", "status",
                 "version", "sources", "embed_context", "occurred_at", "access_count",
                 "last_accessed_at", "created_at", "updated_at")  # fmt: skip


def _rows(queryset: QuerySet, fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    yield from queryset.values(*fields).iterator(chunk_size=CHUNK)


def user_messages(*, tenant: Tenant, user_id: str) -> QuerySet[Message]:
    return Message.objects.filter(tenant=tenant, user_id=user_id)


def user_memories(*, tenant: Tenant, user_id: str) -> QuerySet[Memory]:
    """Every status: a soft-deleted memory still holds the user's text until erased."""
    return Memory.objects.filter(tenant=tenant, user_id=user_id)


def user_versions(*, tenant: Tenant, user_id: str) -> QuerySet[MemoryVersion]:
    return MemoryVersion.objects.filter(tenant=tenant, memory__user_id=user_id)


def user_batches(*, tenant: Tenant, user_id: str) -> QuerySet[AddBatch]:
    return AddBatch.objects.filter(tenant=tenant, user_id=user_id)


def user_term_stats(*, tenant: Tenant, user_id: str) -> QuerySet[TermStat]:
    return TermStat.objects.filter(tenant=tenant, user_id=user_id)


def user_import_stages(*, tenant: Tenant, user_id: str) -> QuerySet[ImportStage]:
    jobs = jobs_naming_user(tenant=tenant, user_id=user_id).filter(kind="import")
    return ImportStage.objects.filter(tenant=tenant, job__in=jobs.values("pk"))


def messages_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    fields = ("id", "batch_id", "agent_id", "conversation_id", "role", "content", "timestamp",
              "metadata", "created_at")  # fmt: skip
    return _rows(user_messages(tenant=tenant, user_id=user_id).order_by("id"), fields)


def memories_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    return _rows(user_memories(tenant=tenant, user_id=user_id).order_by("created_at", "id"),
                 MEMORY_FIELDS)  # fmt: skip


def versions_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    fields = ("memory_id", "version", "event", "old_value", "new_value", "actor", "created_at")
    return _rows(user_versions(tenant=tenant, user_id=user_id).order_by("memory_id", "version"),
                 fields)  # fmt: skip


def batches_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    fields = ("id", "event_id", "infer", "status", "message_count", "memory_count", "error",
              "extractor", "decisions", "created_at", "updated_at")  # fmt: skip
    return _rows(user_batches(tenant=tenant, user_id=user_id).order_by("created_at"), fields)


def term_stats_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    return _rows(user_term_stats(tenant=tenant, user_id=user_id).order_by("term"),
                 ("term", "df", "total_length"))  # fmt: skip


def import_stages_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    return _rows(user_import_stages(tenant=tenant, user_id=user_id).order_by("created_at"),
                 ("job_id", "actor", "rows", "created_at"))  # fmt: skip
