"""Each kind of job is read with the scope of the data it touches: a key sees only the jobs whose
kind's scope it holds, and a key with none of those scopes is refused."""

from __future__ import annotations

import pytest

from apps.jobs import kinds
from apps.jobs.services import job_start
from tests.conftest import make_actor


@pytest.fixture
def wiki_jobs(monkeypatch):
    """A kind a later wiki app will declare in its AppConfig.ready()."""
    monkeypatch.setitem(kinds._SCOPES, "wiki_build", "wiki")


@pytest.fixture
def jobs(alice, wiki_jobs):
    tenant = alice.tenant
    return {
        "import": job_start(tenant=tenant, kind="import", total=10),
        "reembed": job_start(tenant=tenant, kind="reembed", total=10),
        "wiki_build": job_start(tenant=tenant, kind="wiki_build", total=10),
        "undeclared": job_start(tenant=tenant, kind="something_new", total=10),
    }


def listed(actor) -> set[str]:
    response = actor.client().get("/v1/jobs")
    assert response.status_code == 200, response.content
    return {job["kind"] for job in response.json()["results"]}


def test_a_memory_key_sees_memory_jobs_only(bob, jobs):
    assert listed(bob) == {"import", "reembed"}
    assert bob.client().get(f"/v1/jobs/{jobs['import'].pk}").status_code == 200
    for other in ("wiki_build", "undeclared"):
        response = bob.client().get(f"/v1/jobs/{jobs[other].pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "job_not_found"


def test_a_wiki_key_sees_wiki_jobs_only(tenant_a, jobs):
    wiki = make_actor("wendy", tenant_a, scopes=["wiki"])
    assert listed(wiki) == {"wiki_build"}
    assert wiki.client().get(f"/v1/jobs/{jobs['import'].pk}").status_code == 404


def test_an_admin_key_sees_every_kind_even_undeclared(alice, jobs):
    assert listed(alice) == {"import", "reembed", "wiki_build", "something_new"}


@pytest.mark.parametrize("scopes", [["chat"], ["graph", "faq"], []])
def test_a_key_without_a_job_scope_is_refused(tenant_a, jobs, scopes):
    key = make_actor("carol", tenant_a, scopes=scopes)
    for path in ("/v1/jobs", f"/v1/jobs/{jobs['import'].pk}"):
        response = key.client().get(path)
        assert response.status_code == 403, (path, response.content)
        error = response.json()["error"]
        assert (error["type"], error["code"]) == ("Forbidden", "missing_scope")
        assert set(error["details"]["scopes"]) == {"memory", "security", "wiki"}
        assert "import" not in response.content.decode()


def test_the_platforms_kinds_are_declared():
    for kind in ("import", "reembed", "reindex_keywords", "mem0_export"):
        assert kinds.job_kind_scope(kind) == "memory", kind
    assert kinds.job_kind_scope("gdpr_export") == "security"  # shows the exported user's counts
    assert kinds.job_kind_scope("never_declared") == "admin"


def test_a_kind_cannot_change_its_scope_or_name_an_unknown_one():
    with pytest.raises(ValueError, match="already"):
        kinds.job_kind_register(kind="import", scope="wiki")
    with pytest.raises(ValueError, match="unknown scope"):
        kinds.job_kind_register(kind="x", scope="nope")
    kinds.job_kind_register(kind="import", scope="memory")  # the same declaration again is fine
