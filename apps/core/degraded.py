"""Degraded mode: Redis (queue, rate limits, counters) may go away; the platform keeps serving
from PostgreSQL. Any Redis failure marks it down for REDIS_RECHECK_SECONDS, during which callers
skip it instead of each waiting for a connect timeout; then the next caller tries again, so
recovery needs no restart. Responses say `X-MemoryOS-Status: degraded` while it is down."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)
_down_until = 0.0
HEADER = "X-MemoryOS-Status"


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
        if redis_known_down():
            response[HEADER] = "degraded"
        return response
