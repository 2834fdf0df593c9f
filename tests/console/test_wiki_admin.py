from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.wiki.connectors.services import connector_save
from apps.wiki.models import ConnectorSession, Wiki, WikiPage
from tests.console.staff import console_client, console_events, run_action
from tests.wiki.connectors.conftest import git_repo, wiki_settings  # noqa: F401  (fixtures)

SECRET = "ghp-console-secret-0123456789"
PAGE = "/admin/wiki/savedconnector/"


def _saved(alice, url: str):
    with tenant_scope(alice.tenant.pk):
        return connector_save(
            tenant=alice.tenant,
            name="repo",
            connector_type="git",
            config={"url": url, "token": SECRET},
        )


def test_a_connector_page_masks_its_secret_and_the_test_action_runs(alice, git_repo):  # noqa: F811
    saved = _saved(alice, git_repo)
    otto = console_client("otto", groups=("operator",))
    for url in (PAGE, f"{PAGE}{saved.pk}/change/"):
        html = otto.get(url).content.decode()
        assert SECRET not in html and SECRET[:-4] not in html
    detail = otto.get(f"{PAGE}{saved.pk}/change/").content.decode()
    assert "****" + SECRET[-4:] in detail and 'name="token"' not in detail
    page = run_action(otto, PAGE, "test", [saved.pk])
    assert "repo: ok, 3 files." in page and SECRET not in page
    assert ConnectorSession.unscoped.filter(tenant=alice.tenant, saved=saved).count() == 1
    [event] = console_events(tenant_id=alice.tenant.pk, username="otto")
    assert event.target_type == "wiki.savedconnector" and event.target_id == str(saved.pk)


def test_a_failing_connector_test_is_reported_and_support_cannot_test(alice, wiki_settings):  # noqa: F811
    saved = _saved(alice, f"file://{wiki_settings}/missing.git")
    otto = console_client("otto", groups=("operator",))
    assert "repo: failed (" in run_action(otto, PAGE, "test", [saved.pk])
    sue = console_client("sue", groups=("support",))
    assert sue.get(PAGE).status_code == 200
    run_action(sue, PAGE, "test", [saved.pk])
    assert not ConnectorSession.unscoped.exists()


def test_a_wiki_page_is_rendered_without_raw_html(alice):
    with tenant_scope(alice.tenant.pk):
        wiki = Wiki.objects.create(tenant=alice.tenant, name="demo", repo_key="/r")
        page = WikiPage.objects.create(
            tenant=alice.tenant,
            wiki=wiki,
            path="index.md",
            title="Index",
            inputs_hash="h",
            content="# Overview\n\n**bold** <script>alert(1)</script>\n\n"
            "```mermaid\ngraph TD; A-->B\n```\n",
        )
    sue = console_client("sue", groups=("support",))
    assert "index.md" in sue.get(f"/admin/wiki/wiki/{wiki.pk}/change/").content.decode()
    html = sue.get(f"/admin/wiki/wikipage/{page.pk}/change/").content.decode()
    assert "<h1>Overview</h1>" in html and "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'class="language-mermaid"' in html and "A--&gt;B" in html
