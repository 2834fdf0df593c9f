"""With an LLM (the local fake server): each page narrated from a bounded context citing
`file:line`; a failed call keeps the skeleton and says so."""

from __future__ import annotations

import pytest

from apps.wiki.models import WikiPage
from tests.llm_server import Reply
from tests.wiki.helpers import generate, make_repo, run_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def repo(tmp_path, settings):
    settings.WIKI_ALLOWED_ROOTS = [str(tmp_path)]
    return make_repo(tmp_path / "demo")


def test_pages_are_narrated_with_a_bounded_context(alice, repo, llm, settings):
    settings.WIKI_LLM_CONTEXT_CHARS = 2000
    llm.default = Reply(content="The core doubles numbers (lib/core.py:1).")
    job = run_job(alice, generate(alice, {"repo_path": str(repo), "llm": True})["job_id"])
    assert job["status"] == "completed" and job["llm"] is True
    assert all(p["narrated"] is True for p in job["pages"])
    lib = WikiPage.unscoped.get(tenant=alice.tenant, path="modules/lib.md")
    assert "## Explanation\n\nThe core doubles numbers (lib/core.py:1)." in lib.content
    assert "def double(x: int) -> int" in lib.content  # the skeleton stays below
    asked = [r["body"]["messages"][1]["content"] for r in llm.requests]
    assert len(asked) == len(job["pages"])
    lib_prompt = next(p for p in asked if "# Module lib" in p)
    assert "lib/core.py:1: def double(x: int) -> int:" in lib_prompt  # numbered source lines
    assert "`path:line`" in llm.requests[0]["body"]["messages"][0]["content"]
    assert all(len(p) <= settings.WIKI_LLM_PAGE_CHARS + 2000 + 100 for p in asked)


def test_a_failed_call_keeps_the_skeleton_and_says_so(alice, repo, llm):
    llm.default = Reply(status=500)
    job = run_job(alice, generate(alice, {"repo_path": str(repo), "llm": True})["job_id"])
    assert job["status"] == "completed"
    assert all(p["narrated"] is False for p in job["pages"])
    lib = WikiPage.unscoped.get(tenant=alice.tenant, path="modules/lib.md")
    assert "Narration by the language model failed" in lib.content
    assert "def double(x: int) -> int" in lib.content
    # The next run tries those pages again: with the LLM back they are narrated.
    llm.default = Reply(content="Back (lib/core.py:1).")
    again = run_job(alice, generate(alice, {"repo_path": str(repo), "llm": True})["job_id"])
    assert again["pages_generated"] == len(job["pages"])
    assert all(p["narrated"] is True for p in again["pages"])
    third = run_job(alice, generate(alice, {"repo_path": str(repo), "llm": True})["job_id"])
    assert third["pages_generated"] == 0


def test_switching_the_llm_on_regenerates_the_pages(alice, repo, llm):
    first = run_job(alice, generate(alice, {"repo_path": str(repo)})["job_id"])
    llm.default = Reply(content="Narrated (app/main.py:4).")
    second = run_job(alice, generate(alice, {"repo_path": str(repo), "llm": True})["job_id"])
    assert second["pages_generated"] == len(first["pages"])
