"""generate from a connector runs the real wiki job (apps.wiki.services) in a real worker."""

from __future__ import annotations

import time

import pytest

from apps.jobs.models import Job
from tests.wiki.connectors.conftest import ACCESS, SECRET, s3_bucket

wiki = pytest.importorskip("apps.wiki.services")
if not hasattr(wiki, "wiki_job_start"):
    pytest.skip("the generation part (wiki_job_start) is not there yet", allow_module_level=True)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_generate_from_s3_runs_the_wiki_job(alice, s3_server, wiki_settings, celery_worker):
    s3_bucket(s3_server, "job-repo")
    config = {"endpoint": s3_server, "bucket": "job-repo", "access_key": ACCESS,
              "secret_key": SECRET}  # fmt: skip
    session = alice.client().post("/v1/wiki/connectors/test", {"type": "s3", "config": config},
                                  format="json").json()["connector_id"]  # fmt: skip
    r = alice.client().post("/v1/wiki/connectors/generate", {"connector_id": session},
                            format="json")  # fmt: skip
    assert r.status_code == 202, r.json()
    assert r.json()["status"] == "pending" and r.json()["fetched"]["files"] == 3
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = Job.unscoped.get(pk=r.json()["job_id"])
        if job.status not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert job.status == "done", (job.status, job.message)
    assert job.params["source"]["connector_type"] == "s3"


@pytest.mark.django_db
def test_a_bad_job_config_is_refused_before_any_fetch(alice, wiki_settings):
    from tests.wiki.connectors.conftest import write_tree

    write_tree(wiki_settings / "repo")
    session = alice.client().post("/v1/wiki/connectors/test", {"type": "local", "config": {
        "path": str(wiki_settings / "repo")}}, format="json").json()["connector_id"]  # fmt: skip
    r = alice.client().post("/v1/wiki/connectors/generate",
                            {"connector_id": session, "config": {"llm": "yes"}}, format="json")  # fmt: skip
    assert r.status_code == 400
    work = wiki_settings.parent / "work"
    assert not work.exists() or not any(work.rglob("*"))
