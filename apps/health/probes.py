"""Live probes of the backing services, each bounded by a short timeout."""

from __future__ import annotations

import time

import psycopg
import redis
from django.db import connection

from apps.core.degraded import (
    postgres_failed,
    postgres_recovered,
    redis_failed,
    redis_recovered,
)
from apps.core.ratelimit import redis_client

HEARTBEAT_KEY = "mp:worker:heartbeat"
HEARTBEAT_STALE_AFTER = 120


def postgres_up() -> bool:
    params = {**connection.get_connection_params(), "connect_timeout": 2}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    try:
        with psycopg.connect(**params) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        postgres_failed(exc)
        return False
    postgres_recovered()
    return True


def redis_up() -> bool:
    try:
        up = bool(redis_client().ping())
    except redis.RedisError as exc:
        redis_failed(exc)
        return False
    if up:
        redis_recovered()
    return up


def worker_state() -> str:
    try:
        beat = redis_client().get(HEARTBEAT_KEY)
    except redis.RedisError:
        return "unknown"
    if beat is None:
        return "down"
    return "up" if time.time() - float(beat) < HEARTBEAT_STALE_AFTER else "down"


def platform_mode(*, postgres: bool, redis_ok: bool) -> str:
    if not postgres:
        return "not_ready"
    return "ready" if redis_ok else "degraded_ready"
