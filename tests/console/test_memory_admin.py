"""The console's memory pages: list, filters and search for staff, text hidden without
`memories.view_memory_text`, archive and restore through the services (versions recorded, each
change logged for the audit hook), and a bounded query count on the list."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Memory, MemoryVersion, Message
from tests.memories.factories import make_memories

LIST = "/admin/memories/memory/"
SECRET = "Alice keeps her spare key under the blue flowerpot"


@pytest.fixture
def operator(db) -> Client:
    user = User.objects.create_superuser("op", "op@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def support(db) -> Client:
    """Staff who may view memories but not their text."""
    user = User.objects.create_user("sup", "sup@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="memories", codename__startswith="view_"
        ).exclude(codename="view_memory_text")
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def memories(tenant_a, tenant_b) -> list[Memory]:
    made = make_memories(tenant_a, "u1", [SECRET, "Alice drinks oat milk coffee"])
    made += make_memories(tenant_b, "u9", ["Charlie plays the cello on Sundays"])
    return made


def _ids(response) -> set[str]:
    body = response.content.decode()
    return {str(m.pk) for m in Memory.unscoped.all() if str(m.pk) in body}


def test_list_and_filters_render(operator, memories, tenant_a):
    response = operator.get(LIST)
    assert response.status_code == 200
    assert _ids(response) == {str(m.pk) for m in memories}
    assert "blue flowerpot" in response.content.decode()

    by_tenant = operator.get(LIST, {"tenant__id__exact": tenant_a.pk})
    assert _ids(by_tenant) == {str(m.pk) for m in memories[:2]}
    by_user = operator.get(LIST, {"tenant__id__exact": tenant_a.pk, "user_id": "u9"})
    assert by_user.status_code == 200 and _ids(by_user) == set()
    by_status = operator.get(LIST, {"status__exact": "archived"})
    assert by_status.status_code == 200 and _ids(by_status) == set()
    by_kind = operator.get(LIST, {"kind": "nothing-like-this"})
    assert by_kind.status_code == 200 and _ids(by_kind) == set()


def test_search_uses_the_full_text_index(operator, memories):
    found = operator.get(LIST, {"q": "flowerpot blue"})
    assert found.status_code == 200
    assert _ids(found) == {str(memories[0].pk)}
    assert _ids(operator.get(LIST, {"q": "flowerpot cello"})) == set()  # every word must match
    assert _ids(operator.get(LIST, {"q": str(memories[2].pk)})) == {str(memories[2].pk)}


def test_text_is_hidden_without_the_permission(support, memories):
    listing = support.get(LIST)
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "(hidden)" in body
    assert "flowerpot" not in body and "oat milk" not in body
    # No text search (it would tell whether a word is in a memory), an id still finds it.
    searched = support.get(LIST, {"q": "flowerpot"})
    assert searched.status_code == 200 and _ids(searched) == set()
    assert _ids(support.get(LIST, {"q": str(memories[0].pk)})) == {str(memories[0].pk)}

    detail = support.get(f"{LIST}{memories[0].pk}/change/")
    assert detail.status_code == 200
    assert "flowerpot" not in detail.content.decode()
    assert "(hidden)" in detail.content.decode()
    with tenant_scope(memories[0].tenant_id):
        batch = AddBatch.objects.create(tenant_id=memories[0].tenant_id, user_id="u1",
                                        decisions=[{"event": "ADD", "value": SECRET}])  # fmt: skip
        Message.objects.create(tenant_id=memories[0].tenant_id, batch=batch, user_id="u1",
                               content=SECRET, timestamp=timezone.now())  # fmt: skip
    for url in ("/admin/memories/message/", "/admin/memories/addbatch/",
                f"/admin/memories/addbatch/{batch.pk}/change/"):  # fmt: skip
        page = support.get(url)
        assert page.status_code == 200 and "flowerpot" not in page.content.decode(), url
    version = MemoryVersion.unscoped.get(memory=memories[0])
    versions = support.get(f"/admin/memories/memoryversion/{version.pk}/change/")
    assert versions.status_code == 200 and "flowerpot" not in versions.content.decode()


def test_detail_shows_text_and_versions_to_an_operator(operator, memories):
    detail = operator.get(f"{LIST}{memories[0].pk}/change/")
    assert detail.status_code == 200
    assert "blue flowerpot" in detail.content.decode()
    inline = detail.content.decode().split('id="versions-group"')[1]
    assert "Add" in inline and "blue flowerpot" in inline  # the versions inline


def _act(client: Client, action: str, memories: list[Memory]):
    data = {"action": action, "_selected_action": [str(m.pk) for m in memories]}
    return client.post(LIST, data)


def test_archive_then_restore(operator, memories, tenant_a):
    target = memories[0]
    response = _act(operator, "archive", [target])
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "archived" and target.version == 2
    with tenant_scope(tenant_a.pk):
        events = list(MemoryVersion.objects.filter(memory=target).values_list("event", "actor"))
    assert events[-1] == ("UPDATE", "console:op")
    assert LogEntry.objects.filter(object_id=str(target.pk), action_flag=CHANGE).count() == 1
    audited = AuditEvent.unscoped.filter(tenant=tenant_a, target_id=str(target.pk))
    assert audited.count() == 1 and audited.get().request_id == "console:op"
    # Archived memories leave the default listing filters (status) and come back on restore.
    assert _ids(operator.get(LIST, {"status__exact": "archived"})) == {str(target.pk)}

    assert _act(operator, "restore", [target]).status_code == 302
    target.refresh_from_db()
    assert target.status == "activated" and target.version == 3
    assert LogEntry.objects.filter(object_id=str(target.pk), action_flag=CHANGE).count() == 2
    # Archiving an already archived memory or restoring an active one changes nothing.
    assert _act(operator, "restore", [target]).status_code == 302
    target.refresh_from_db()
    assert target.version == 3


def test_restore_brings_back_a_deleted_memory(operator, memories, tenant_a):
    from apps.memories.services import memories_delete

    target = memories[1]
    with tenant_scope(tenant_a.pk):
        memories_delete(tenant=tenant_a, memories=[target], actor="test")
    _act(operator, "restore", [target])
    target.refresh_from_db()
    assert target.status == "activated"


def test_support_cannot_archive(support, memories):
    response = _act(support, "archive", [memories[0]])
    memories[0].refresh_from_db()
    assert memories[0].status == "activated"
    assert response.status_code in (200, 302, 403)


def test_list_query_count_is_bounded(operator, tenant_a, monkeypatch):
    from apps.core.admin_paginator import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "threshold", 10)  # estimate from 11 rows on

    def page_queries() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE memories_memory")
        with CaptureQueriesContext(connection) as captured:
            assert operator.get(LIST).status_code == 200
        # The page's own queries (the IP rules and the session are cached per process and
        # re-read when their cache expires: not the page's N+1)
        return [q["sql"] for q in captured.captured_queries
                if "defense_" not in q["sql"] and "django_session" not in q["sql"]]  # fmt: skip

    make_memories(tenant_a, "u1", [f"fact number {i} about tea" for i in range(12)])
    page_queries()  # warms what is cached per process (the IP rules)
    few = page_queries()
    make_memories(tenant_a, "u2", [f"another fact {i} about cake" for i in range(40)])
    many = page_queries()
    assert len(many) == len(few), many
    assert len(many) <= 8
    assert not any("COUNT(" in q.upper() and "memories_memory" in q for q in many), many
