"""The console's FAQ page: candidates promoted and FAQs demoted through apps.pipeline.faq
(FaqEvent written, each change logged), the question hidden without the text permission; the
segment, profile and history pages render."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.pipeline.models import FaqEvent, Segment, UserProfile
from tests.memories.factories import make_memories

FAQ = "/admin/pipeline/faqentry/"
QUESTION = "How do I reset the router in the basement?"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator(db) -> Client:
    return _client(User.objects.create_superuser("op", "op@example.com", "pw"))


@pytest.fixture
def support(db) -> Client:
    user = User.objects.create_user("sup", "sup@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__startswith="view_").exclude(
            codename="view_memory_text"
        )
    )
    return _client(user)


@pytest.fixture
def candidate(tenant_a) -> Memory:
    (memory,) = make_memories(tenant_a, "u1", [f"Q: {QUESTION}\nA: Hold the button."],
                              key=QUESTION, kind="faq_candidate")  # fmt: skip
    make_memories(tenant_a, "u1", ["I like tea"])  # not a Q&A: not on the FAQ page
    return memory


def _act(client: Client, action: str, memory: Memory):
    return client.post(FAQ, {"action": action, "_selected_action": [str(memory.pk)]})


def test_faq_lists_candidates_only(operator, candidate):
    response = operator.get(FAQ)
    assert response.status_code == 200
    body = response.content.decode()
    assert QUESTION in body and "I like tea" not in body
    only_faqs = operator.get(FAQ, {"kind": "faq"})
    assert only_faqs.status_code == 200 and QUESTION not in only_faqs.content.decode()
    assert QUESTION in operator.get(FAQ, {"kind": "faq_candidate"}).content.decode()


def test_promote_then_demote_writes_faq_events(operator, candidate, tenant_a):
    assert _act(operator, "promote", candidate).status_code == 302
    candidate.refresh_from_db()
    assert candidate.kind == "faq"
    assert _act(operator, "promote", candidate).status_code == 302  # already an FAQ: refused
    assert _act(operator, "demote", candidate).status_code == 302
    candidate.refresh_from_db()
    assert candidate.kind == "qa"
    with tenant_scope(tenant_a.pk):
        events = list(FaqEvent.objects.order_by("created_at", "id")
                      .values_list("from_kind", "to_kind", "actor"))  # fmt: skip
    assert events == [("faq_candidate", "faq", "console:op"), ("faq", "qa", "console:op")]
    assert LogEntry.objects.filter(object_id=str(candidate.pk), action_flag=CHANGE).count() == 2
    detail = operator.get(f"{FAQ}{candidate.pk}/change/")
    assert detail.status_code == 200 and "faq_candidate" in detail.content.decode()
    history = operator.get("/admin/pipeline/faqevent/")
    assert history.status_code == 200 and QUESTION in history.content.decode()


def test_question_hidden_without_the_permission(support, candidate, tenant_a):
    with tenant_scope(tenant_a.pk):
        FaqEvent.objects.create(tenant=tenant_a, memory_id=candidate.pk, question=QUESTION,
                                from_kind="qa", to_kind="faq_candidate", actor="system")  # fmt: skip
        Segment.objects.create(tenant=tenant_a, user_id="u1", title="basement router")
        UserProfile.objects.create(tenant=tenant_a, user_id="u1", summary="lives by a router")
    for url in (FAQ, f"{FAQ}{candidate.pk}/change/", "/admin/pipeline/faqevent/",
                "/admin/pipeline/segment/", "/admin/pipeline/userprofile/"):  # fmt: skip
        response = support.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        at = body.find("router")
        assert at < 0, (url, body[at - 300 : at + 100])
        assert "(hidden)" in body or "userprofile" in url, url
    # Support may look but not promote.
    _act(support, "promote", candidate)
    candidate.refresh_from_db()
    assert candidate.kind == "faq_candidate"
