"""The daily rollup from real API requests: Redis counters and the owning apps' day counts,
folded into one row per tenant and day by the beat task, idempotently."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.console.models import DailyUsage
from apps.console.tasks import rollup_usage
from apps.core.degraded import redis_recovered
from apps.core.tenancy import tenant_scope
from apps.core.usage import percentile_ms, usage_count
from apps.memories.models import Memory, Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis_up():
    """Counts are skipped while Redis is marked down: a test before may have left it marked."""
    redis_recovered()


def today_row(tenant) -> DailyUsage:
    return DailyUsage.objects.get(tenant=tenant, day=datetime.now(UTC).date())


def test_rollup_of_real_requests(alice, charlie):
    client = alice.client()
    for text in ("I live in Lyon.", "My cat is called Miso."):
        body = {"user_id": "u1", "messages": text, "infer": False}
        assert client.post("/v1/memory/add", body, format="json").status_code == 200
    search = {"query": "cat", "user_id": "u1"}
    assert client.post("/v1/memory/search", search, format="json").status_code == 200
    assert client.get("/v1/memory/no-such-route").status_code == 404
    assert client.post("/v1/memory/add", {"user_id": "u1"}, format="json").status_code == 400
    assert charlie.client().post("/v1/memory/search", search, format="json").status_code == 200

    rollup_usage()

    row = today_row(alice.tenant)
    assert row.requests == 4  # the 404 of an unknown route never reached a key: no tenant
    assert row.errors_4xx == 1 and row.errors_5xx == 0
    assert sum(row.latency_buckets) == 4
    assert row.p50_ms is not None and row.p50_ms <= row.p95_ms <= 30000
    with tenant_scope(alice.tenant.pk):
        assert row.messages_added == Message.objects.count() == 2
        assert row.memories_added == Memory.objects.count() >= 2
    assert row.embedding_calls >= 1 and row.embedding_texts >= 2
    other = today_row(charlie.tenant)
    assert (other.requests, other.messages_added) == (1, 0)


def test_rollup_is_idempotent(alice):
    assert alice.client().get("/v1/admin/keys").status_code == 200
    with tenant_scope(alice.tenant.pk):
        usage_count(metric="llm_calls", n=3)
        usage_count(metric="llm_tokens", n=120)
    rollup_usage()
    first = DailyUsage.objects.values().get(tenant=alice.tenant)
    rollup_usage()
    rollup_usage()
    assert DailyUsage.objects.filter(tenant=alice.tenant).count() == 1
    again = DailyUsage.objects.values().get(tenant=alice.tenant)
    first.pop("updated_at"), again.pop("updated_at")
    assert again == first
    assert (again["llm_calls"], again["llm_tokens"], again["requests"]) == (3, 120, 1)


def test_llm_calls_and_tokens_are_counted(alice, llm):
    from apps.pipeline.llm import chat

    with tenant_scope(alice.tenant.pk):
        chat([{"role": "user", "content": "hello"}])
    rollup_usage()
    row = today_row(alice.tenant)
    assert row.llm_calls == 1


def test_percentile_from_buckets():
    assert percentile_ms([0, 0, 0], 0.95) is None
    assert percentile_ms([90, 5, 5], 0.50) == 5.0
    assert percentile_ms([90, 5, 5], 0.95) == 10.0
