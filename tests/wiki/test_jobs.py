"""Wiki jobs over the API, run in-process: reference shapes, pages, incremental runs, memories,
output files, path rules, cancel, and jobs whose worker was lost."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.memories.models import Memory
from apps.wiki.generation.mermaid import mermaid_blocks, mermaid_check
from apps.wiki.models import Wiki, WikiPage
from apps.wiki.services import wiki_jobs_fail_stale
from apps.wiki.userdata import wiki_pages_erase
from tests.wiki.helpers import FILES, generate, make_repo, run_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def repo(tmp_path, settings):
    root = tmp_path / "repos"
    settings.WIKI_ALLOWED_ROOTS = [str(root)]
    settings.WIKI_OUTPUT_ROOT = str(tmp_path / "out")
    (tmp_path / "out").mkdir()
    return make_repo(root / "demo")


def test_generate_runs_and_serves_pages_in_the_reference_shapes(alice, repo):
    started = generate(alice, {"repo_path": str(repo)})
    assert started["status"] == "pending" and started["message"] == "Wiki generation started"
    pending = alice.client().get(f"/v1/wiki/jobs/{started['job_id']}").json()
    assert pending["status"] == "pending" and pending["error"] is None
    job = run_job(alice, started["job_id"])
    assert job["status"] == "completed" and job["error"] is None and job["progress"] == 100.0
    assert job["files_parsed"] == 4 and job["pages_generated"] == len(job["pages"]) >= 4
    paths = {p["path"] for p in job["pages"]}
    assert {"overview.md", "modules/app.md", "modules/lib.md", "api.md"} <= paths
    page = alice.client().get(f"/v1/wiki/jobs/{started['job_id']}/pages/modules/lib.md").json()
    assert "def double(x: int) -> int" in page["content"] and "`lib/core.py:1`" in page["content"]
    assert page["narrated"] is None
    for p in job["pages"]:
        content = alice.client().get(f"/v1/wiki/jobs/{started['job_id']}/pages/{p['path']}")
        for diagram in mermaid_blocks(content.json()["content"]):
            mermaid_check(diagram)
    listed = alice.client().get("/v1/wiki/status").json()["jobs"]
    assert listed[0]["id"] == started["job_id"] and listed[0]["status"] == "completed"
    assert set(listed[0]) == {"id", "repo_path", "status", "pages_generated", "started_at",
                              "completed_at"}  # fmt: skip
    missing = alice.client().get(f"/v1/wiki/jobs/{started['job_id']}/pages/nope.md")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "page_not_found"


def test_a_second_run_regenerates_only_what_changed(alice, repo):
    first = run_job(alice, generate(alice, {"repo_path": str(repo)})["job_id"])
    again = run_job(alice, generate(alice, {"repo_path": str(repo)})["job_id"])
    assert (again["pages_generated"], again["pages_deleted"]) == (0, 0)
    assert again["pages_unchanged"] == len(first["pages"])
    (repo / "lib/core.py").write_text('def double(x: int) -> int:\n    """Two x."""\n')
    changed = run_job(alice, generate(alice, {"repo_path": str(repo)})["job_id"])
    # The module's page, and the overview (it shows the repository's size in bytes).
    assert changed["pages_generated"] == 2 and changed["pages_deleted"] == 0
    assert changed["pages_unchanged"] == len(first["pages"]) - 2
    lib = WikiPage.unscoped.get(tenant=alice.tenant, path="modules/lib.md")
    assert "Two x." in lib.content
    (repo / "app/views.py").unlink()  # the only endpoint goes: the API page goes
    gone = run_job(alice, generate(alice, {"repo_path": str(repo)})["job_id"])
    assert gone["pages_deleted"] == 1 and "api.md" not in {p["path"] for p in gone["pages"]}
    assert Wiki.unscoped.filter(tenant=alice.tenant).count() == 1


def test_pages_are_memories_of_the_namespace_and_replaced_with_the_page(alice, repo):
    body = {"repo_path": str(repo), "namespace": "code-demo"}
    job = run_job(alice, generate(alice, body)["job_id"])
    memories = Memory.unscoped.filter(tenant=alice.tenant, user_id="code-demo", status="activated")
    assert memories.count() == len(job["pages"])
    lib = WikiPage.unscoped.get(tenant=alice.tenant, path="modules/lib.md")
    assert "Twice x." in Memory.unscoped.get(pk=lib.memory_id).value
    (repo / "lib/core.py").write_text('def double(x: int) -> int:\n    """Two x."""\n')
    (repo / "app/views.py").unlink()
    run_job(alice, generate(alice, body)["job_id"])
    memory = Memory.unscoped.get(pk=lib.memory_id)  # the same memory, a new version
    assert "Two x." in memory.value and memory.version == 2
    assert memories.count() == len(job["pages"]) - 1  # the API page's memory is deleted
    found = alice.client().post("/v1/memory/search", {"user_id": "code-demo",
                                "query": "double Two x"}, format="json").json()  # fmt: skip
    assert "lib/core.py" in str(found), found
    with tenant_scope(alice.tenant.pk):
        assert wiki_pages_erase(tenant=alice.tenant, user_id="code-demo") > 0
    assert not WikiPage.unscoped.filter(tenant=alice.tenant).exists()


def test_output_dir_gets_markdown_files_only_under_the_output_root(alice, repo, settings, tmp_path):
    job = run_job(
        alice, generate(alice, {"repo_path": str(repo), "output_dir": "demo-wiki"})["job_id"]
    )
    out = tmp_path / "out" / "demo-wiki"
    assert (out / "overview.md").read_text().startswith("# demo")
    assert len(list(out.rglob("*.md"))) == len(job["pages"])
    os.symlink(tmp_path, tmp_path / "out" / "link")
    for bad in ("../elsewhere", "link/x", str(tmp_path / "elsewhere"), "."):
        refused = generate(alice, {"repo_path": str(repo), "output_dir": bad}, status=403)
        assert refused["error"]["code"] == "output_not_allowed", bad
    settings.WIKI_OUTPUT_ROOT = ""
    off = generate(alice, {"repo_path": str(repo), "output_dir": "x"}, status=403)
    assert off["error"]["code"] == "output_not_allowed"


@pytest.mark.parametrize("body, status, code", [
    ({"repo_path": "/etc"}, 403, "path_not_allowed"),
    ({"repo_path": "relative/path"}, 400, "invalid_path"),
    ({"repo_path": "REPO/../.."}, 403, "path_not_allowed"),
    ({"repo_path": 5}, 400, None),
    ({"repo_path": "REPO", "llm": "yes"}, 400, None),
    ({"repo_path": "REPO", "llm": True}, 400, "llm_not_configured"),
    ({"repo_path": "REPO", "namespace": ""}, 400, None),
    ({"repo_path": "REPO/" + "a" * 300}, 400, "invalid_path"),
    ({"repo_path": "REPO", "output_dir": "a" * 300}, 400, "invalid_path"),
    ({"repo_path": "REPO", "output_dir": "x\x00y"}, 400, None),
    ({"repo_path": "REPO", "config": {"languages": "python"}}, 400, None),
])  # fmt: skip
def test_bad_requests_are_refused_and_queue_nothing(alice, repo, body, status, code):
    body = {k: (v.replace("REPO", str(repo)) if isinstance(v, str) else v) for k, v in body.items()}
    refused = generate(alice, body, status=status)
    if code:
        assert refused["error"]["code"] == code
    assert not Job.unscoped.filter(tenant=alice.tenant, kind="wiki").exists()


def test_cancel(alice, repo):
    queued = generate(alice, {"repo_path": str(repo)})["job_id"]
    cancelled = alice.client().post(f"/v1/wiki/jobs/{queued}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert run_job(alice, queued)["status"] == "cancelled"  # the task does nothing then
    assert not WikiPage.unscoped.filter(tenant=alice.tenant).exists()
    done = generate(alice, {"repo_path": str(repo)})["job_id"]
    run_job(alice, done)
    again = alice.client().post(f"/v1/wiki/jobs/{done}/cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_finished"
    # A running job stops before its next page.
    running = generate(alice, {"repo_path": str(repo)})["job_id"]
    Job.unscoped.filter(pk=running).update(status="running", updated_at=timezone.now())
    assert alice.client().post(f"/v1/wiki/jobs/{running}/cancel").status_code == 200
    Job.unscoped.filter(pk=running).update(updated_at=timezone.now() - timedelta(hours=1))
    job = run_job(alice, running)  # a redelivery takes it (stale) and sees the request
    assert job["status"] == "cancelled" and job["error"] == "Cancelled by request."


def test_a_job_whose_worker_was_lost_fails_visibly_or_resumes(alice, repo, settings):
    lost = generate(alice, {"repo_path": str(repo)})["job_id"]
    old = timezone.now() - timedelta(seconds=settings.WIKI_JOB_STALE_SECONDS + 5)
    Job.unscoped.filter(pk=lost).update(status="running", updated_at=old)
    fresh = generate(alice, {"repo_path": str(repo)})["job_id"]
    Job.unscoped.filter(pk=fresh).update(status="running", updated_at=timezone.now())
    assert run_job(alice, fresh)["status"] == "running"  # running elsewhere: not taken twice
    assert wiki_jobs_fail_stale() == 1
    job = alice.client().get(f"/v1/wiki/jobs/{lost}").json()
    assert job["status"] == "failed" and "worker" in job["error"]
    assert alice.client().get(f"/v1/wiki/jobs/{fresh}").json()["status"] == "running"
    # A redelivered task of a stale running job resumes it (idempotent pages).
    resumed = generate(alice, {"repo_path": str(repo)})["job_id"]
    Job.unscoped.filter(pk=resumed).update(status="running", updated_at=old)
    assert run_job(alice, resumed)["status"] == "completed"


def test_a_job_of_another_kind_or_a_bad_id_is_not_found(alice, repo):
    other = Job.unscoped.create(tenant=alice.tenant, kind="reembed", status="done")
    for job_id in (str(other.pk), "not-a-uuid", "wiki-00000000-0000-0000-0000-000000000000"):
        response = alice.client().get(f"/v1/wiki/jobs/{job_id}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "job_not_found"


def test_the_parse_failure_of_a_vanished_repository_fails_the_job(alice, repo):
    started = generate(alice, {"repo_path": str(repo)})["job_id"]
    for name in FILES:
        (repo / name).unlink()
    job = run_job(alice, started)
    assert job["status"] in ("completed", "failed")  # never left running


def test_the_connectors_start_a_job_on_their_fetched_tree(alice, tmp_path, settings):
    from apps.core.errors import BadRequest
    from apps.wiki.services import wiki_job_start

    settings.WIKI_WORK_DIR = str(tmp_path / "work")
    settings.WIKI_ALLOWED_ROOTS = []  # a fetched tree is not under the roots, and needs not be

    class Kind:
        type = "s3"

    def start(config: dict) -> dict:
        workdir = make_repo(tmp_path / "work" / "1" / "abc")
        with tenant_scope(alice.tenant.pk):
            return wiki_job_start(tenant=alice.tenant, repo_path=workdir, config=config,
                                  actor="key:1", source={"connector_type": Kind(),
                                  "connector_id": "c-1", "working_dir": True})  # fmt: skip

    started = start({"languages": ["python"]})
    assert set(started) == {"job_id", "status", "message"} and started["status"] == "pending"
    job = run_job(alice, started["job_id"])
    assert job["status"] == "completed" and job["pages_generated"] >= 3
    assert not (tmp_path / "work" / "1" / "abc").exists()  # the fetched tree is removed
    params = Job.unscoped.get(pk=started["job_id"]).params
    assert params["repo_key"] == "connector:c-1" and params["source"]["connector_type"] == "s3"
    again = run_job(alice, start({})["job_id"])  # the same connector: the same wiki
    assert again["pages_generated"] == 0 and again["pages_unchanged"] == job["pages_generated"]
    for bad in ({"llm": "yes"}, {"unknown": 1}, {"languages": [1]}, {"namespace": "x" * 201}):
        with pytest.raises(BadRequest) as refused:
            start(bad)
        assert refused.value.code == "invalid_config"
