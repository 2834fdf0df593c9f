"""Per-user order and idempotency with a real worker."""

from __future__ import annotations

import time

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Memory
from apps.memories.services import batch_process


def wait_done(actor, batch_ids, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with tenant_scope(actor.tenant.pk):
            states = set(AddBatch.objects.filter(pk__in=batch_ids).values_list("status", flat=True))
        if states == {"done"}:
            return
        time.sleep(0.2)
    raise AssertionError(f"batches not done: {states}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_users_async_batches_apply_in_order_and_retries_add_nothing(celery_worker, alice):
    client = alice.client()
    ids = []
    for text in ["I live in Beijing", "I moved to Shanghai", "I moved to Berlin"]:
        body = {"user_id": "u1", "messages": text, "infer": True, "async_mode": "async",
                "event_id": f"ev-{text}"}  # fmt: skip
        ids.append(client.post("/v1/memory/add", body, format="json").json()["batch_id"])
    wait_done(alice, ids)
    with tenant_scope(alice.tenant.pk):
        live = list(Memory.objects.filter(tenant=alice.tenant, kind="place", status="activated")
                    .values_list("value", flat=True))  # fmt: skip
        assert live == ["I moved to Berlin"]
        count = Memory.objects.filter(tenant=alice.tenant).count()
        # a redelivered task (worker died after commit) and a client retry change nothing
        batch_process(batch=AddBatch.objects.select_related("tenant").get(pk=ids[0]), actor="t")
    again = client.post("/v1/memory/add", {"user_id": "u1", "messages": "I live in Beijing",
                        "infer": True, "async_mode": "async", "event_id": "ev-I live in Beijing"},
                        format="json").json()  # fmt: skip
    assert again["batch_id"] == ids[0]
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.filter(tenant=alice.tenant).count() == count


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_batch_whose_worker_died_is_requeued_and_processed_once(celery_worker, alice):
    from datetime import timedelta

    from django.utils import timezone

    from apps.memories.tasks import requeue_stalled_batches

    body = {"user_id": "u1", "messages": "I live in Oslo", "infer": True, "async_mode": "async"}
    batch_id = alice.client().post("/v1/memory/add", body, format="json").json()["batch_id"]
    wait_done(alice, [batch_id])
    with tenant_scope(alice.tenant.pk):
        # simulate a worker killed mid-task: the batch is left "running", long ago
        Memory.objects.filter(tenant=alice.tenant).delete()
        AddBatch.objects.filter(pk=batch_id).update(
            status="running", updated_at=timezone.now() - timedelta(hours=1)
        )
    assert requeue_stalled_batches() == 1
    wait_done(alice, [batch_id])
    with tenant_scope(alice.tenant.pk):
        kinds = sorted(Memory.objects.filter(tenant=alice.tenant).values_list("kind", flat=True))
    assert kinds == ["place", "turn"]
