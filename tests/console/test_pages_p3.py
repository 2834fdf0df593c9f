"""Every list page of the graph, multimodal, privacy, defense, wiki, audit and failed-task admins
renders for a superuser and for support, with a row in it, and its rows open."""

from __future__ import annotations

import re

import pytest

from apps.core.models import FailedTask
from apps.core.tenancy import tenant_scope
from apps.graph.merges import entity_merge
from apps.graph.models import Entity
from apps.wiki.models import Wiki, WikiPage
from tests.audit.helpers import record
from tests.console.staff import console_client

PAGES = [
    "/admin/graph/entity/",
    "/admin/graph/relation/",
    "/admin/graph/entitymerge/",
    "/admin/multimodal/multimodalitem/",
    "/admin/privacy/privacyrequest/",
    "/admin/privacy/suppression/",
    "/admin/privacy/consent/",
    "/admin/defense/iprule/",
    "/admin/wiki/savedconnector/",
    "/admin/wiki/wiki/",
    "/admin/wiki/wikipage/",
    "/admin/audit/auditevent/",
    "/admin/core/failedtask/",
]


@pytest.fixture
def filled(alice):
    with tenant_scope(alice.tenant.pk):
        a = Entity.objects.create(tenant=alice.tenant, user_id="u1", name="Ada", key="ada")
        b = Entity.objects.create(
            tenant=alice.tenant, user_id="u1", name="Lovelace", key="lovelace"
        )
        entity_merge(tenant=alice.tenant, entity_id=b.pk, into_id=a.pk, actor="t")
        wiki = Wiki.objects.create(tenant=alice.tenant, name="demo", repo_key="/r")
        WikiPage.objects.create(
            tenant=alice.tenant, wiki=wiki, path="a.md", title="A", content="# A", inputs_hash="h"
        )
    record(alice.tenant)
    FailedTask.objects.create(task_name="x.y", task_id="t-9", exception="boom")


@pytest.mark.parametrize("role", ["root", "support"])
def test_every_list_and_its_first_row_render(filled, role):
    client = (
        console_client(role, superuser=True)
        if role == "root"
        else console_client(role, groups=("support",))
    )
    opened = []
    for page in PAGES:
        listing = client.get(page)
        assert listing.status_code == 200, page
        rows = re.findall(rf'href="({re.escape(page)}[^"/?]+/change/)', listing.content.decode())
        for url in rows[:1]:
            assert client.get(url).status_code == 200, url
            opened.append(page)
    assert len(opened) >= 6, opened  # entities, merges, wikis, pages, audit events, failed tasks
