"""The console's add-batch page: a failed batch retried through
apps.memories.services.console.batch_retry is processed by the real worker; a batch that is not
failed is refused and left alone."""

from __future__ import annotations

import time

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Memory, Message

BATCHES = "/admin/memories/addbatch/"


def _failed_batch(tenant, status: str = "failed") -> AddBatch:
    with tenant_scope(tenant.pk):
        batch = AddBatch.objects.create(tenant=tenant, user_id="u1", status=status,
                                        message_count=1, error="RuntimeError('boom')")  # fmt: skip
        Message.objects.create(tenant=tenant, batch=batch, user_id="u1",
                               content="I moved to Porto last spring", timestamp=timezone.now())  # fmt: skip
    return batch


def _operator() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("op", "op@example.com", "pw"))
    return client


def _retry(client: Client, batch: AddBatch):
    return client.post(BATCHES, {"action": "retry", "_selected_action": [str(batch.pk)]})


@pytest.mark.django_db
def test_a_batch_that_did_not_fail_is_not_retried(tenant_a):
    batch = _failed_batch(tenant_a, status="done")
    client = _operator()
    page = client.get(BATCHES, {"status__exact": "failed"})
    assert page.status_code == 200 and str(batch.pk) not in page.content.decode()
    response = _retry(client, batch)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done" and batch.error == "RuntimeError('boom')"
    assert not LogEntry.objects.filter(object_id=str(batch.pk)).exists()
    followed = client.get(response.url)
    assert "Only a failed batch can be retried" in followed.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_retry_of_a_failed_batch_runs_it_on_the_worker(celery_worker, tenant_a):
    batch = _failed_batch(tenant_a)
    client = _operator()
    assert str(batch.pk) in client.get(BATCHES, {"status__exact": "failed"}).content.decode()
    assert _retry(client, batch).status_code == 302
    assert LogEntry.objects.filter(object_id=str(batch.pk), action_flag=CHANGE).count() == 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == "done":
            break
        time.sleep(0.2)
    assert batch.status == "done" and batch.error == ""
    with tenant_scope(tenant_a.pk):
        assert Memory.objects.filter(value="I moved to Porto last spring").count() == 1
