"""Search hits count as accesses. Recording is one pipelined Redis call per search (no database
write on the search path); a periodic task folds the counters into the memories, then calls the
access hooks other apps registered (apps.memories.registry; the pipeline's segment heat)."""

from __future__ import annotations

import logging
import uuid

import redis
from django.db import connection
from django.utils import timezone

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.ratelimit import redis_client
from apps.core.tenancy import tenant_scope
from apps.memories import registry
from apps.memories.models import Memory
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)
PREFIX = "mp:access:"


def access_record(*, tenant_id: int, memory_ids: list[str]) -> None:
    if not memory_ids or redis_known_down():
        return
    try:
        pipe = redis_client().pipeline(transaction=False)
        for memory_id in memory_ids:
            pipe.hincrby(f"{PREFIX}{tenant_id}", str(memory_id), 1)
        pipe.execute()
    except redis.RedisError as exc:  # degraded: losing a heat count beats failing a search
        redis_failed(exc)


def access_flush() -> int:
    """Move the counters from Redis into the memories. Safe to run concurrently: each hash is
    renamed away atomically before it is read, so no increment is counted twice."""
    client = redis_client()
    flushed = 0
    for key in client.scan_iter(match=f"{PREFIX}*", count=100):
        key = key.decode() if isinstance(key, bytes) else key
        if ":flushing:" in key:
            continue
        claimed = f"{key}:flushing:{uuid.uuid4().hex}"
        try:
            client.rename(key, claimed)
        except redis.ResponseError:
            continue  # already taken by another flush
        counts = client.hgetall(claimed)
        tenant_id = int(key[len(PREFIX) :])
        rows = [(int(v), uuid.UUID(k.decode())) for k, v in counts.items()]
        if rows:
            now = timezone.now()
            with connection.cursor() as cursor:  # the tenant condition too: defence in depth
                cursor.executemany(
                    f"UPDATE {Memory._meta.db_table} SET access_count = access_count + %s, "
                    "last_accessed_at = %s WHERE tenant_id = %s AND id = %s",
                    [(n, now, tenant_id, mid) for n, mid in rows],
                )
            flushed += sum(n for n, _ in rows)
            _access_hooks_run(tenant_id=tenant_id, memory_ids=[str(mid) for _, mid in rows])
        client.delete(claimed)
    return flushed


def _access_hooks_run(*, tenant_id: int, memory_ids: list[str]) -> None:
    hooks = registry.access_hooks()
    if not hooks:
        return
    with tenant_scope(tenant_id):
        tenant = Tenant.objects.filter(pk=tenant_id).first()
        if tenant is None:  # deleted since the hits were counted
            return
        for hook in hooks:
            hook(tenant=tenant, memory_ids=memory_ids)
