"""The console's dashboard: charts from the rollup, live queue figures, and a page that renders
with an empty database and with Redis unreachable."""

from __future__ import annotations

import json
import re
import time

import pytest
import redis
from django.contrib.auth import get_user_model
from django.test import Client

from apps.console import live
from apps.console.models import DailyUsage
from apps.console.tasks import rollup_usage
from apps.core.degraded import redis_recovered

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = get_user_model().objects.create_superuser("op", "", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fresh_live():
    live._workers_cache = (0.0, None)
    redis_recovered()
    yield
    live._workers_cache = (0.0, None)
    redis_recovered()


def chart(page: str, name: str) -> dict:
    """The data of the n-th chart whose first dataset is labelled `name`."""
    for raw in re.findall(r'data-value="([^"]+)"', page):
        data = json.loads(raw.replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'"))
        if data["datasets"] and data["datasets"][0]["label"] == name:
            return data
    raise AssertionError(f"no chart {name!r}")


def test_dashboard_with_an_empty_database(operator, fresh_live, settings):
    response = operator.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert chart(page, "Requests")["datasets"][0]["data"] == [0] * 14
    assert chart(page, "Waiting tasks")["labels"] == settings.CELERY_TASK_QUEUES_NAMES
    assert 'id="workers-alive"' in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # no external assets


def test_dashboard_charts_come_from_the_rollup(operator, alice, charlie, fresh_live):
    alice.client().get("/v1/admin/keys")
    alice.client().get("/v1/admin/keys")
    charlie.client().get("/v1/admin/keys")
    rollup_usage()
    assert DailyUsage.objects.filter(tenant=alice.tenant).exists()
    page = operator.get("/admin/").content.decode()
    assert chart(page, "Requests")["datasets"][0]["data"][-1] >= 3
    calls = chart(page, "LLM calls")
    assert {"acme", "globex"} <= set(calls["labels"])
    one = operator.get(f"/admin/?tenant={alice.tenant.pk}").content.decode()
    assert chart(one, "Requests")["datasets"][0]["data"][-1] == 2


def test_queue_age_of_the_oldest_waiting_task(operator, fresh_live, settings):
    """On a queue of its own, so that the test worker (when running) never takes the messages."""
    from apps.core.ratelimit import redis_client

    queue = "console-test-queue"
    settings.CELERY_TASK_QUEUES_NAMES = [*settings.CELERY_TASK_QUEUES_NAMES, queue]
    message = {"body": "", "headers": {"sent_at": time.time() - 42}, "properties": {}}
    client = redis_client()
    client.delete(queue)
    client.lpush(queue, json.dumps(message))
    client.lpush(queue, json.dumps({**message, "headers": {"sent_at": time.time()}}))
    try:
        states = {s.name: s for s in live.queue_states()}
        assert states[queue].length == 2
        assert 41 <= states[queue].oldest_age_seconds < 60
        assert states["default"].oldest_age_seconds is None or states["default"].length
        page = operator.get("/admin/").content.decode()
        ages = chart(page, "Oldest waiting (s)")
        assert ages["datasets"][0]["data"][ages["labels"].index(queue)] >= 41
    finally:
        client.delete(queue)


def test_published_tasks_carry_sent_at():
    from memplatform.celery import stamp_sent_at

    headers: dict = {}
    stamp_sent_at(headers=headers)
    assert abs(headers["sent_at"] - time.time()) < 5


def test_dashboard_when_redis_is_unreachable(operator, fresh_live, monkeypatch):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, socket_timeout=0.2)
    monkeypatch.setattr(live, "redis_client", lambda: dead)
    started = time.monotonic()
    response = operator.get("/admin/")
    assert response.status_code == 200
    assert time.monotonic() - started < 10  # no wait on a dead Redis (bound loose: shared CI)
    page = response.content.decode()
    assert 'id="queues-down"' in page
    assert re.search(r'id="workers-alive"[^>]*>unknown<', page)


def test_non_staff_is_sent_to_the_login_page(db):
    user = get_user_model().objects.create_user("someone", "", "pw")
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
