"""Per-key rate limiting in Redis: a fixed one-minute window per key.

The limit is the key's own, else the tenant's `rate_limit_per_minute` setting, else
RATE_LIMIT_PER_MINUTE. If Redis is unreachable the request is let through (degraded mode):
refusing every request because the limiter is down would turn a cache outage into a full outage.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.core.degraded import redis_failed, redis_known_down
from apps.tenants.models import ApiKey
from apps.tenants.selectors import tenant_rate_limit

logger = logging.getLogger(__name__)
WINDOW = 60


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_DB_URL,
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
        health_check_interval=30,
    )


def limit_for(key: ApiKey) -> int:
    return key.rate_limit_per_minute or tenant_rate_limit(tenant=key.tenant)


class ApiKeyRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        now = time.time()
        window = int(now // WINDOW)
        self._wait = WINDOW - (now % WINDOW)
        counter = f"mp:rl:{key.pk}:{window}"
        if redis_known_down():
            return True
        try:
            pipe = redis_client().pipeline()
            pipe.incr(counter)
            pipe.expire(counter, WINDOW + 5)
            count = pipe.execute()[0]
        except redis.RedisError as exc:
            redis_failed(exc)  # let the request through: a limiter outage is not an outage
            return True
        return count <= limit_for(key)

    def wait(self) -> float:
        return getattr(self, "_wait", WINDOW)
