"""Live figures of the dashboard that are not in the rollup: queue lengths, the age of the
oldest waiting task per queue, and the workers that answer a ping. Each is cheap and bounded:
a page view makes one Redis pipeline (LLEN and LINDEX -1 per queue) and at most one broadcast
ping every WORKERS_CACHE_SECONDS; with Redis down every figure is None and the page still renders.

Kombu's Redis transport LPUSHes a message and the worker takes it from the right (BRPOP), so the
oldest waiting message of a queue is at index -1. Its age comes from the `sent_at` header that
memplatform.celery stamps on every task when it is published."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from kombu.exceptions import KombuError

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.ratelimit import redis_client

WORKERS_CACHE_SECONDS = 30.0
PING_TIMEOUT_SECONDS = 0.5
_workers_lock = threading.Lock()
_workers_cache: tuple[float, int | None] = (0.0, None)


@dataclass(frozen=True)
class QueueState:
    name: str
    length: int
    oldest_age_seconds: float | None


def _sent_at(raw: bytes | None) -> float | None:
    if not raw:
        return None
    try:
        message = json.loads(raw)
        value = message.get("headers", {}).get("sent_at")
    except (ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def queue_states() -> list[QueueState] | None:
    if redis_known_down():
        return None
    names = list(settings.CELERY_TASK_QUEUES_NAMES)
    try:
        pipe = redis_client().pipeline(transaction=False)
        for name in names:
            pipe.llen(name)
            pipe.lindex(name, -1)
        answers = pipe.execute()
    except redis.RedisError as exc:
        redis_failed(exc)
        return None
    now = time.time()
    states = []
    for index, name in enumerate(names):
        length, oldest = answers[2 * index], answers[2 * index + 1]
        sent = _sent_at(oldest) if length else None
        age = max(0.0, now - sent) if sent is not None else None
        states.append(QueueState(name=name, length=int(length), oldest_age_seconds=age))
    return states


def workers_alive() -> int | None:
    """How many workers answered a ping (cached); None when the broker is unreachable."""
    global _workers_cache
    checked_at, count = _workers_cache
    if time.monotonic() - checked_at < WORKERS_CACHE_SECONDS:
        return count
    if not _workers_lock.acquire(blocking=False):
        return count  # another request is asking right now: show the last figure
    try:
        count = None
        if not redis_known_down():
            from memplatform.celery import app

            try:
                count = len(app.control.ping(timeout=PING_TIMEOUT_SECONDS) or [])
            except (redis.RedisError, OSError, KombuError) as exc:
                redis_failed(exc)
        _workers_cache = (time.monotonic(), count)
        return count
    finally:
        _workers_lock.release()
