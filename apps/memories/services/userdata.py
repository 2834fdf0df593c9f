"""GDPR erasure of one end user from the floor's tables and Redis, and the floor's entries in the
per-user data registry (apps.memories.registry). Each eraser is idempotent (a retry after a
`partial` erasure runs them all again) and works in chunks so a large user never holds one huge
transaction. The privacy app calls them in `order`:

 5 batches          under the user's batch lock: a running batch finishes first, and a queued
                    batch whose row is gone is skipped by the worker (tasks.process_batch)
10 access_counters  search-hit counters in Redis, by memory id (before the memories go)
40 versions         old and new values
50 memories         turns and facts, their vectors and tsvector with them
60 messages         the raw turns
70 term_stats       the user's keyword statistics (every memory of theirs is gone: none left)
80 import_stages    staged rows of async imports
85 jobs             jobs whose params name the user
90 failed_tasks     failed tasks whose arguments or errors name the user
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import redis
from django.db import transaction

from apps.core import failed
from apps.core.ratelimit import redis_client
from apps.jobs.services import jobs_user_erase
from apps.memories import registry
from apps.memories.access import PREFIX as ACCESS_PREFIX
from apps.memories.selectors import userdata as rows
from apps.memories.services.add import _user_lock
from apps.tenants.models import Tenant

CHUNK = 2000


def _chunked_delete(queryset: Any, before: Callable[[list[Any]], None] | None = None) -> int:
    """Delete in chunks of primary keys, each chunk its own transaction; `before` gets each
    chunk's ids first, in that transaction."""
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:CHUNK])
            if not ids:
                return removed
            if before is not None:
                before(ids)
            queryset.model.objects.filter(pk__in=ids).delete()
        removed += len(ids)


def batches_erase(*, tenant: Tenant, user_id: str) -> int:
    with transaction.atomic():
        _user_lock(tenant_id=tenant.pk, user_id=user_id)  # waits for a batch being processed
        return rows.user_batches(tenant=tenant, user_id=user_id).delete()[0]


def _memory_ids(*, tenant: Tenant, user_id: str) -> Iterator[list[str]]:
    ids = rows.user_memories(tenant=tenant, user_id=user_id).values_list("pk", flat=True)
    chunk: list[str] = []
    for memory_id in ids.iterator(chunk_size=CHUNK):
        chunk.append(str(memory_id))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _access_keys(client: redis.Redis, tenant: Tenant) -> list[str]:
    """The tenant's counter hash and any hash a running flush has renamed away."""
    key = f"{ACCESS_PREFIX}{tenant.pk}"
    return [key, *(k.decode() for k in client.scan_iter(match=f"{key}:flushing:*", count=100))]


def access_counters_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    client = redis_client()
    keys = _access_keys(client, tenant)
    for ids in _memory_ids(tenant=tenant, user_id=user_id):
        for key in keys:
            for memory_id, hits in zip(ids, client.hmget(key, ids), strict=True):
                if hits is not None:
                    yield {"memory_id": memory_id, "hits_not_yet_counted": int(hits)}


def access_counters_count(*, tenant: Tenant, user_id: str) -> int:
    return sum(1 for _ in access_counters_export(tenant=tenant, user_id=user_id))


def access_counters_erase(*, tenant: Tenant, user_id: str) -> int:
    client = redis_client()
    keys = _access_keys(client, tenant)
    removed = 0
    for ids in _memory_ids(tenant=tenant, user_id=user_id):
        for key in keys:
            removed += client.hdel(key, *ids)
    return removed


def versions_erase(*, tenant: Tenant, user_id: str) -> int:
    return _chunked_delete(rows.user_versions(tenant=tenant, user_id=user_id))


def memories_erase(*, tenant: Tenant, user_id: str) -> int:
    """Hard delete: the row with its vectors and tsvector (versions cascade); what was derived
    from each chunk (graph edges) is erased with it."""

    def derived_erase(ids: list[Any]) -> None:
        registry.memories_removed(tenant=tenant, memory_ids=[str(i) for i in ids], erase=True)

    return _chunked_delete(rows.user_memories(tenant=tenant, user_id=user_id), derived_erase)


def messages_erase(*, tenant: Tenant, user_id: str) -> int:
    return _chunked_delete(rows.user_messages(tenant=tenant, user_id=user_id))


def term_stats_erase(*, tenant: Tenant, user_id: str) -> int:
    return rows.user_term_stats(tenant=tenant, user_id=user_id).delete()[0]


def import_stages_erase(*, tenant: Tenant, user_id: str) -> int:
    return rows.user_import_stages(tenant=tenant, user_id=user_id).delete()[0]


def _count(selector: Any) -> registry.UserCount:
    def count(*, tenant: Tenant, user_id: str) -> int:
        return selector(tenant=tenant, user_id=user_id).count()

    return count


def _jobs_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    from apps.jobs.selectors import jobs_naming_user

    jobs = jobs_naming_user(tenant=tenant, user_id=user_id).order_by("created_at")
    yield from jobs.values("id", "kind", "status", "total", "done", "message", "params",
                           "created_at", "finished_at")  # fmt: skip


def _jobs_count(*, tenant: Tenant, user_id: str) -> int:
    from apps.jobs.selectors import jobs_naming_user

    return jobs_naming_user(tenant=tenant, user_id=user_id).count()


def _failed_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    return failed.failed_tasks_export(tenant_id=tenant.pk, user_id=user_id)


def _failed_count(*, tenant: Tenant, user_id: str) -> int:
    return failed.failed_tasks_naming_user(tenant_id=tenant.pk, user_id=user_id).count()


def _failed_erase(*, tenant: Tenant, user_id: str) -> int:
    return failed.failed_tasks_erase(tenant_id=tenant.pk, user_id=user_id)


def floor_user_data() -> list[registry.UserData]:
    U = registry.UserData
    return [
        U("batches", rows.batches_export, _count(rows.user_batches), batches_erase,
          ("memories.AddBatch",), 5),
        U("access_counters", access_counters_export, access_counters_count,
          access_counters_erase, (), 10),
        U("versions", rows.versions_export, _count(rows.user_versions), versions_erase,
          ("memories.MemoryVersion",), 40),
        U("memories", rows.memories_export, _count(rows.user_memories), memories_erase,
          ("memories.Memory",), 50),
        U("messages", rows.messages_export, _count(rows.user_messages), messages_erase,
          ("memories.Message",), 60),
        U("term_stats", rows.term_stats_export, _count(rows.user_term_stats), term_stats_erase,
          ("memories.TermStat",), 70),
        U("import_stages", rows.import_stages_export, _count(rows.user_import_stages),
          import_stages_erase, ("memories.ImportStage",), 80),
        U("jobs", _jobs_export, _jobs_count, jobs_user_erase, ("jobs.Job",), 85),
        U("failed_tasks", _failed_export, _failed_count, _failed_erase, ("core.FailedTask",), 90),
    ]  # fmt: skip
