"""MemOS's scheduler status on our add batches (AddBatch: one add call, its status) and the
Celery queues. MemOS's task is our batch: task_id is the batch id an async add answered with."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from apps.core.errors import NotFound
from apps.core.ratelimit import redis_client
from apps.memories.models import AddBatch
from apps.tenants.models import Tenant

# Our batch status -> MemOS's task status.
STATUS = {"queued": "waiting", "running": "in_progress", "done": "completed", "failed": "failed"}
ACTIVE = ("queued", "running")
RECENT = timedelta(days=1)  # MemOS's tracker counts the tasks of the last 24 hours
LISTED = 200  # the most recent batches a status lists
WAIT_MAX_SECONDS = 60.0


def _batches(tenant: Tenant) -> Any:
    return AddBatch.objects.filter(tenant=tenant)


def task_statuses(*, tenant: Tenant, user_id: str, task_id: str | None) -> list[dict[str, str]]:
    """[{task_id, status}] of the user's batches, newest first; with `task_id` that one batch
    (404 `task_not_found` when it is not one of the user's)."""
    batches = _batches(tenant).filter(user_id=user_id)
    if task_id:
        batch = batches.filter(pk=task_id).first() if _is_uuid(task_id) else None
        if batch is None:
            raise NotFound(f"Task {task_id} not found for user {user_id}.", code="task_not_found")
        return [{"task_id": str(batch.pk), "status": STATUS[batch.status]}]
    rows = batches.order_by("-created_at").values_list("pk", "status")[:LISTED]
    return [{"task_id": str(pk), "status": STATUS[status]} for pk, status in rows]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _summary(counts: Counter) -> dict[str, int]:
    waiting, running = counts["queued"], counts["running"]
    return {"waiting": waiting, "in_progress": running, "pending": waiting,
            "completed": counts["done"], "failed": counts["failed"], "cancelled": 0,
            "total": sum(counts.values())}  # fmt: skip


def status_summary(*, tenant: Tenant) -> dict[str, Any]:
    """The tenant's batches of the last 24 hours by status: all of them, and those the
    scheduler runs (with extraction: infer on)."""
    recent = _batches(tenant).filter(created_at__gte=timezone.now() - RECENT)
    every: Counter = Counter()
    inferred: Counter = Counter()
    for row in recent.values("status", "infer").annotate(n=Count("pk")):
        every[row["status"]] += row["n"]
        if row["infer"]:
            inferred[row["status"]] += row["n"]
    return {"scheduler_summary": _summary(inferred), "all_tasks_summary": _summary(every)}


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue (platform-wide, no tenant's data); {} when Redis
    does not answer."""
    try:
        pipe = redis_client().pipeline()
        for queue in settings.CELERY_TASK_QUEUES_NAMES:
            pipe.llen(queue)
        lengths = pipe.execute()
    except redis.RedisError:
        return {}
    return dict(zip(settings.CELERY_TASK_QUEUES_NAMES, lengths, strict=True))


def task_queue(*, tenant: Tenant, user_id: str) -> dict[str, Any]:
    """MemOS's TaskQueueData for one user: a stream key per queue holding the user's work
    (`memplatform:<queue>:<user_id>`), waiting batches as `remaining`, running ones as
    `pending` (delivered, not yet acknowledged)."""
    active = _batches(tenant).filter(status__in=ACTIVE)
    mine = Counter(active.filter(user_id=user_id).values_list("status", flat=True))
    key = f"memplatform:ingest:{user_id}"
    keys = [key] if mine else []
    return {
        "user_id": user_id, "user_name": None, "mem_cube_id": None, "stream_keys": keys,
        "users_count": active.values("user_id").distinct().count(),
        "pending_tasks_count": mine["running"], "remaining_tasks_count": mine["queued"],
        "pending_tasks_detail": [f"{key}:{mine['running']}"] if mine else [],
        "remaining_tasks_detail": [f"{key}:{mine['queued']}"] if mine else [],
        "queues": queue_lengths(),
    }  # fmt: skip


def user_wait(*, tenant: Tenant, user_id: str, timeout: float, poll: float) -> dict[str, Any]:
    """Poll until no batch of the user is queued or running, or `timeout` (at most
    WAIT_MAX_SECONDS) passes; MemOS's answer of /scheduler/wait."""
    started = time.monotonic()
    deadline = started + min(timeout, WAIT_MAX_SECONDS)
    while True:
        running = _batches(tenant).filter(user_id=user_id, status__in=ACTIVE).count()
        now = time.monotonic()
        if not running or now >= deadline:
            break
        time.sleep(min(poll, max(deadline - now, 0)))
    return {"message": "timeout" if running else "idle",
            "data": {"running_tasks": running, "waited_seconds": round(now - started, 3),
                     "timed_out": bool(running), "user_name": user_id}}  # fmt: skip
