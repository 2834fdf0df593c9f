"""Cross-tenant cases of the wiki job routes (generate, status, job, page, cancel)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from apps.jobs.models import Job
from apps.wiki.models import WikiPage
from tests.isolation import Probe, Setup, case
from tests.wiki.helpers import make_repo, run_job

ROUTES = (
    "v1/wiki/generate", "v1/wiki/status", "v1/wiki/jobs/<str:job_id>",
    "v1/wiki/jobs/<str:job_id>/cancel", "v1/wiki/jobs/<str:job_id>/pages/<path:page_path>",
)  # fmt: skip


@case(*ROUTES)
def wiki_jobs(alice) -> Setup:
    """Tenant B's key cannot read A's job, its pages or its status entry, cannot cancel A's
    queued job (404), and a generate it starts is a job of B: A keeps its two jobs."""
    tmp = Path(tempfile.mkdtemp())
    settings = override_settings(WIKI_ALLOWED_ROOTS=[str(tmp)], WIKI_OUTPUT_ROOT="")
    settings.enable()
    repo = make_repo(tmp / "alice-marker-repo")
    client = alice.client()
    done = client.post("/v1/wiki/generate", {"repo_path": str(repo)}, format="json").json()
    run_job(alice, done["job_id"])
    queued = client.post("/v1/wiki/generate", {"repo_path": str(repo)}, format="json").json()

    def jobs() -> dict[str, str]:
        return {str(j.pk): j.status for j in Job.unscoped.filter(tenant=alice.tenant, kind="wiki")}

    def check() -> None:
        assert jobs() == {done["job_id"]: "done", queued["job_id"]: "queued"}
        assert WikiPage.unscoped.filter(tenant=alice.tenant).count() >= 4

    def started_by_alice(response) -> None:
        assert len(jobs()) == 3

    def cancelled(response) -> None:
        assert response.json()["status"] == "cancelled"

    def cleanup() -> None:
        settings.disable()
        shutil.rmtree(tmp, ignore_errors=True)

    base = f"/v1/wiki/jobs/{done['job_id']}"
    return Setup(
        probes=[
            Probe("GET", base),
            Probe("GET", f"{base}/pages/overview.md"),
            Probe("POST", f"/v1/wiki/jobs/{queued['job_id']}/cancel", control=cancelled),
            Probe("GET", "/v1/wiki/status", expect_404=False, marker="alice-marker"),
            Probe("POST", "/v1/wiki/generate", {"repo_path": str(repo)}, expect_404=False,
                  control=started_by_alice),
        ],
        check=check,
        cleanup=cleanup,
    )  # fmt: skip
