"""Real round trips through Redis and a real Celery worker process."""

from __future__ import annotations

import time

import pytest

from apps.core.models import FailedTask
from apps.health.tasks import ping

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_task_round_trips_through_redis_and_a_worker(celery_worker):
    result = ping.delay("hello").get(timeout=30)
    assert result["pong"] == "hello"
    assert result["worker"]


def test_worker_reads_the_same_database_in_the_tenant_scope(celery_worker, alice, bob, charlie):
    from memplatform.celery import app

    assert app.send_task("tests.count_keys", args=[alice.tenant.pk]).get(timeout=30) == 2
    assert app.send_task("tests.count_keys", args=[charlie.tenant.pk]).get(timeout=30) == 1


def test_a_task_that_fails_for_good_is_recorded(celery_worker, alice):
    from memplatform.celery import app

    result = app.send_task("tests.always_fails", args=[alice.tenant.pk])
    with pytest.raises(ValueError, match="always fails"):
        result.get(timeout=30)
    deadline = time.monotonic() + 10
    while not FailedTask.objects.filter(task_id=result.id).exists():
        assert time.monotonic() < deadline, "failure was not recorded"
        time.sleep(0.1)
    failure = FailedTask.objects.get(task_id=result.id)
    assert failure.task_name == "tests.always_fails"
    assert "always fails" in failure.exception
    assert failure.args == [alice.tenant.pk]
