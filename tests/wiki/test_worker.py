"""With the real worker: a wiki job queued by the API runs on the `wiki` queue to completion,
and the periodic sweep's task fails a job whose worker was lost."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.jobs.models import Job
from apps.wiki.tasks import fail_stale_jobs
from tests.wiki.helpers import generate, make_repo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_the_worker_runs_a_wiki_job(celery_worker, alice, settings, tmp_path):
    settings.WIKI_ALLOWED_ROOTS = [str(tmp_path)]
    repo = make_repo(tmp_path / "demo")
    job_id = generate(alice, {"repo_path": str(repo), "namespace": "code-worker"})["job_id"]
    client = alice.client()
    deadline = time.monotonic() + 120
    while (job := client.get(f"/v1/wiki/jobs/{job_id}").json())["status"] in ("pending", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    assert job["status"] == "completed", job
    assert job["pages_generated"] == len(job["pages"]) >= 4 and job["progress"] == 100.0


def test_the_sweep_task_fails_a_stale_running_job(alice, settings):
    job = Job.unscoped.create(tenant=alice.tenant, kind="wiki", status="running", params={})
    old = timezone.now() - timedelta(seconds=settings.WIKI_JOB_STALE_SECONDS + 1)
    Job.unscoped.filter(pk=job.pk).update(updated_at=old)
    assert fail_stale_jobs.apply().get() == 1
    shown = alice.client().get(f"/v1/wiki/jobs/{job.pk}").json()
    assert shown["status"] == "failed" and "worker" in shown["error"]
