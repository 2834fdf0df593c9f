from __future__ import annotations

import contextlib
import socket
import time

import redis
from celery import shared_task
from celery.signals import worker_ready

from apps.core.ratelimit import redis_client
from apps.health.probes import HEARTBEAT_KEY


@shared_task(acks_late=True, soft_time_limit=10, time_limit=20, ignore_result=True)
def worker_heartbeat() -> None:
    """Periodic (beat): lets /health/status tell whether a worker is consuming."""
    redis_client().set(HEARTBEAT_KEY, str(time.time()), ex=600)


@shared_task(acks_late=True, soft_time_limit=10, time_limit=20)
def ping(payload: str = "") -> dict:
    """A round trip through the broker and a worker; also refreshes the heartbeat."""
    worker_heartbeat()
    return {"pong": payload, "worker": socket.gethostname()}


@worker_ready.connect
def heartbeat_on_start(**_: object) -> None:
    """A freshly started worker shows as up at once, not after the first beat."""
    with contextlib.suppress(redis.RedisError):
        worker_heartbeat()
