"""Degraded mode.

Redis (queue, rate limits, counters) may go away; the platform keeps serving from PostgreSQL.
Any Redis failure marks it down for REDIS_RECHECK_SECONDS, during which callers skip it instead
of each waiting for a connect timeout; then the next caller tries again, so recovery needs no
restart.

PostgreSQL may go away too: memory endpoints then answer 503, while chat passes through to the
model without memory (apps.chat), for keys verified in the last minutes (apps.tenants.services
keeps them for that). Every request retries the database.

Responses say `X-MemoryOS-Status: degraded` while either is known to be down."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)
_down_until = 0.0
_postgres_down_until = 0.0
POSTGRES_MARK_SECONDS = 5.0
HEADER = "X-MemoryOS-Status"


def postgres_failed(reason: object) -> None:
    """A request found the database unreachable (it still retries it next time)."""
    global _postgres_down_until
    if time.monotonic() >= _postgres_down_until:
        logger.warning("PostgreSQL unavailable, degraded: %s", reason)
    _postgres_down_until = time.monotonic() + POSTGRES_MARK_SECONDS


def postgres_known_down() -> bool:
    return time.monotonic() < _postgres_down_until


def postgres_recovered() -> None:
    global _postgres_down_until
    _postgres_down_until = 0.0


def redis_known_down() -> bool:
    return time.monotonic() < _down_until


def redis_failed(reason: object) -> None:
    global _down_until
    if not redis_known_down():
        logger.warning("Redis unavailable, degraded mode for %ss: %s",
                       settings.REDIS_RECHECK_SECONDS, reason)  # fmt: skip
    _down_until = time.monotonic() + settings.REDIS_RECHECK_SECONDS


def redis_recovered() -> None:
    global _down_until
    _down_until = 0.0


class DegradedStatusMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if redis_known_down() or postgres_known_down():
            response[HEADER] = "degraded"
        return response
