"""With the real worker: an async export is built by it, and an erasure that meets a running
ingestion batch waits for it, then leaves nothing (no 500, no row resurrected by the batch, and
queued tasks for the erased user end as no-ops)."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile

import psycopg
import pytest
from django.db import connection

from apps.core.models import FailedTask
from apps.memories.models import AddBatch, Memory
from tests.privacy.data import db_hits, fill, person, post, redis_hits

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def wait_for(condition, timeout: float = 90.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_the_worker_builds_an_async_export_with_progress(celery_worker, alice, settings, tmp_path):
    who = person()
    fill(alice, who)
    accepted = post(alice, "/v1/security/gdpr/export", {"user_id": who.user_id, "async": True},
                    status=202)  # fmt: skip
    client = alice.client()
    wait_for(lambda: client.get(accepted["status_url"]).json()["status"] in ("done", "failed"),
             what="the export job")  # fmt: skip
    status = client.get(accepted["status_url"]).json()
    assert status["status"] == "done", status
    assert status["job"]["percent"] == 100.0 and status["job"]["done"] == status["job"]["total"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["messages"] >= 4
    assert who.marker in archive.read("messages.jsonl").decode()


def _hold_user_lock(tenant_id: int, user_id: str) -> psycopg.Connection:
    """The lock a batch of this user takes while it is processed, held from outside: a batch the
    worker has claimed waits on it, as if it were still running."""
    params = connection.get_connection_params()
    held = psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    held.execute("BEGIN")
    held.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                 [f"memories.batch:{tenant_id}:{user_id}"])  # fmt: skip
    return held


def test_an_erasure_during_a_running_batch_leaves_nothing(celery_worker, alice):
    who, other = person(), person("keep")
    fill(alice, other)
    post(alice, "/v1/memory/add", {"user_id": who.user_id, "messages": f"I live in {who.marker}",
                                   "infer": True})  # fmt: skip
    held = _hold_user_lock(alice.tenant.pk, who.user_id)
    try:
        batches = [
            post(alice, "/v1/memory/add", {
                "user_id": who.user_id, "infer": True, "async_mode": "async",
                "messages": f"I love {who.marker} soup and my sister lives in {who.marker}ville",
            })["batch_id"]
            for _ in range(3)
        ]  # fmt: skip
        wait_for(lambda: AddBatch.unscoped.filter(pk=batches[0], status="running").exists(),
                 what="the worker to take the batch")  # fmt: skip
        answers: list = []

        def erase() -> None:
            try:
                client = alice.client()
                answers.append(client.post("/v1/security/gdpr/delete",
                                           {"user_id": who.user_id}, format="json"))  # fmt: skip
            finally:
                connection.close()

        eraser = threading.Thread(target=erase)
        eraser.start()
        time.sleep(1.0)  # the erasure now waits behind the batch, as the batch waits on us
        assert not answers
    finally:
        held.rollback()  # the "running" batch goes on
        held.close()
    eraser.join(timeout=120)
    assert answers and answers[0].status_code == 200, answers and answers[0].content
    assert answers[0].json()["status"] == "ok"
    # the batch the erasure waited for finished first: its facts were made, and then erased
    assert answers[0].json()["receipt"]["counts"]["batches"] == 4
    # (the sync add's turn and fact, and one turn for the repeated async adds, are 3)
    assert answers[0].json()["receipt"]["counts"]["memories"] > 3
    time.sleep(3.0)  # anything still queued for the user runs now, and must do nothing

    assert not Memory.unscoped.filter(tenant=alice.tenant, user_id=who.user_id).exists()
    assert not AddBatch.unscoped.filter(tenant=alice.tenant, user_id=who.user_id).exists()
    assert db_hits([who.user_id, who.marker]) == []
    assert redis_hits([who.user_id, who.marker]) == []
    assert not FailedTask.objects.filter(task_name__contains="process_batch").exists()
    assert Memory.unscoped.filter(tenant=alice.tenant, user_id=other.user_id).exists()
