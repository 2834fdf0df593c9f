"""An async import queues a task with ids only: the validated rows wait in a staging table, not in
the queue, and go when the job finishes, whether it succeeds or fails (so a task that failed for
good leaves no user content in FailedTask either)."""

from __future__ import annotations

import pytest

from apps.core.models import FailedTask
from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.memories import tasks, transfer
from apps.memories.models import ImportStage, Memory

IMPORT = "/v1/memory/manage/import"


@pytest.fixture
def queued(monkeypatch):
    """The kwargs of every import task queued, instead of queueing it."""
    calls = []
    monkeypatch.setattr(tasks.import_memories, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


def import_async(actor, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = actor.client().post(
            IMPORT, {"user_id": "u1", "memories": rows, "async_mode": "async"}, format="json"
        )
    assert response.status_code == 202
    return response.json()["job"]["id"]


def test_the_task_gets_ids_only_and_the_staged_rows_land_whole(
    alice, queued, django_capture_on_commit_callbacks
):
    rows = [{"memory": "I live in Oslo", "tags": ["home"]}, {"summary": "I like tea"}]
    job_id = import_async(alice, rows, django_capture_on_commit_callbacks)

    assert queued == [{"tenant_id": alice.tenant.pk, "job_id": job_id}]
    with tenant_scope(alice.tenant.pk):
        assert [r["value"] for r in ImportStage.objects.get(job_id=job_id).rows] == [
            "I live in Oslo",
            "I like tea",
        ]

    tasks.import_memories(**queued[0])

    with tenant_scope(alice.tenant.pk):
        job = Job.objects.get(pk=job_id)
        assert (job.status, job.done, job.total) == ("done", 2, 2)
        assert not ImportStage.objects.exists()
        memories = Memory.objects.filter(user_id="u1").order_by("value")
        assert [(m.value, m.tags) for m in memories] == [
            ("I like tea", []),
            ("I live in Oslo", ["home"]),
        ]
        assert {v.actor for m in memories for v in m.versions.all()} == {f"key:{alice.key.pk}"}


def test_rows_are_checked_before_anything_is_staged_or_queued(
    alice, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.client().post(
            IMPORT,
            {
                "user_id": "u1",
                "memories": [{"memory": "fine"}, {"memory": ""}],
                "async_mode": "async",
            },
            format="json",
        )
    assert response.status_code == 400
    assert queued == []
    with tenant_scope(alice.tenant.pk):
        assert not ImportStage.objects.exists() and not Job.objects.exists()


def test_a_failed_import_keeps_no_rows_in_the_stage_or_in_failed_tasks(
    alice, queued, monkeypatch, django_capture_on_commit_callbacks
):
    job_id = import_async(alice, [{"memory": "a secret fact"}], django_capture_on_commit_callbacks)

    def broken(**kwargs):
        raise RuntimeError("embedding service down")

    monkeypatch.setattr(transfer, "memories_create", broken)
    result = tasks.import_memories.apply(kwargs=queued[0])

    assert result.failed()
    with tenant_scope(alice.tenant.pk):
        job = Job.objects.get(pk=job_id)
        assert job.status == "failed" and job.message.startswith("nothing imported")
        assert not ImportStage.objects.exists() and not Memory.objects.exists()
    failure = FailedTask.objects.get(task_id=result.id)
    assert failure.kwargs == {"tenant_id": alice.tenant.pk, "job_id": job_id}
    assert "a secret fact" not in str(failure.args) + str(failure.kwargs)
