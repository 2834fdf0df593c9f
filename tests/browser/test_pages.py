"""The tenant page (usage from the rollup, keys, settings form) and a wiki with its generation
job and a rendered page, as an operator reads them."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from apps.console.services import usage_rollup
from apps.wiki.models import Wiki
from tests.browser.conftest import login, screenshot, submit
from tests.wiki.helpers import generate, make_repo, run_job

pytestmark = pytest.mark.django_db(transaction=True)


def body(page) -> str:
    return page.find_element(By.TAG_NAME, "body").text


def test_the_tenant_page_shows_usage_keys_and_settings(page, operator, alice, bob):
    for _ in range(3):
        assert alice.client().get("/v1/memory?user_id=u1").status_code == 200
    usage_rollup()
    login(page, "olivia", then=f"/admin/tenants/tenant/{alice.tenant.pk}/change/")
    usage = page.find_element(By.ID, "tenant-usage").text
    assert "API requests" in usage
    requests = int(usage.split("API requests", 1)[1].split()[0].replace(",", ""))
    assert requests >= 3
    keys = page.find_element(By.ID, "tenant-keys").text
    assert "alice" in keys and "bob" in keys and alice.secret not in body(page)
    screenshot(page, "tenant")


@pytest.fixture
def repo(tmp_path, settings):
    root = tmp_path / "repos"
    settings.WIKI_ALLOWED_ROOTS = [str(root)]
    settings.WIKI_OUTPUT_ROOT = str(tmp_path / "out")
    (tmp_path / "out").mkdir()
    return make_repo(root / "demo")


def test_a_wiki_shows_its_job_and_renders_its_pages(page, operator, alice, repo):
    job_id = generate(alice, {"repo_path": str(repo)})["job_id"]
    run_job(alice, job_id)  # in-process, unless a session worker of other tests took it first
    deadline = time.monotonic() + 60
    while (job := alice.client().get(f"/v1/wiki/jobs/{job_id}").json())["status"] in {
        "pending", "running"} and time.monotonic() < deadline:  # fmt: skip
        time.sleep(0.2)
    assert job["status"] == "completed", job
    wiki = Wiki.unscoped.get(tenant=alice.tenant)
    login(page, "olivia", then=f"/admin/wiki/wiki/{wiki.pk}/change/")
    shown = body(page)
    assert "· done · 100.0% (4/4) Wiki generated." in shown  # the generation job
    assert "overview.md" in shown and "modules/lib.md" in shown
    screenshot(page, "wiki-job")
    submit(page, page.find_element(By.LINK_TEXT, "modules/lib.md"))
    rendered = page.find_element(By.CSS_SELECTOR, ".wiki-page").text
    assert "def double(x: int) -> int" in rendered
    screenshot(page, "wiki-page")
