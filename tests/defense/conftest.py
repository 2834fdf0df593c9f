from __future__ import annotations

import pytest

from apps.core.degraded import redis_recovered
from apps.core.ratelimit import redis_client
from apps.defense import guard


@pytest.fixture(autouse=True)
def _fresh_defense(settings):
    """Each test starts with no counters, temporary bans or cached rules (the test Redis db is
    shared by the whole session) and with the default thresholds."""
    settings.IP_DEFENSE_ENABLED = True
    client = redis_client()
    for key in client.scan_iter(match="mp:ipd:*", count=1000):
        client.delete(key)
    guard.rules_invalidate()
    guard._drain()
    yield
    redis_recovered()
    guard.rules_invalidate()
