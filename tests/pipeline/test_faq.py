"""QA capture, candidate marking, promotion (FAQ first in search), demotion, classify, stats."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.pipeline.faq import candidates_mark
from tests.llm_server import Reply

QA = [{"role": "user", "content": "How do I reset my password?"},
      {"role": "assistant", "content": "Open Settings, then Security, then Reset password."}]  # fmt: skip


@pytest.fixture(autouse=True)
def _candidate_heat(settings):
    settings.FAQ_CANDIDATE_HEAT = 3  # a QA asked three times is a candidate, whatever the env says


def ask(actor, user):
    response = actor.client().post("/v1/memory/add", {"user_id": user, "messages": QA,
                                                      "infer": True}, format="json")  # fmt: skip
    assert response.status_code == 200


def test_a_question_asked_often_becomes_a_candidate_then_an_faq_that_search_puts_first(alice):
    for user in ("u1", "u2", "u3"):
        ask(alice, user)  # the same question from three users: one QA with three mentions
    with tenant_scope(alice.tenant.pk):
        [qa] = Memory.objects.filter(tenant=alice.tenant, kind="qa")
        assert qa.mentions == 3
        assert candidates_mark(tenant=alice.tenant) == 1
    client = alice.client()
    candidates = client.get("/v1/admin/faq/candidates").json()
    assert candidates["total"] == 1
    assert candidates["candidates"][0]["summary"] == "How do I reset my password?"
    assert candidates["candidates"][0]["memory_type"] == "faq_candidate"
    promoted = client.post("/v1/admin/faq/promote", {"memory_id": str(qa.pk), "reason": "often"},
                           format="json").json()  # fmt: skip
    assert promoted["success"] and promoted["record"]["to_type"] == "faq"
    # another user, with memories of their own, asks a close question: the FAQ comes first
    client.post("/v1/memory/add", {"user_id": "u9", "messages": ["I like passwords managers",
                "My password is long"]}, format="json")  # fmt: skip
    hits = client.post("/v1/memory/search", {"user_id": "u9", "query": "how can I reset my "
                       "password"}, format="json").json()["results"]  # fmt: skip
    assert hits[0]["id"] == str(qa.pk) and hits[0]["kind"] == "faq"
    assert client.post("/v1/admin/faq/promote", {"memory_id": str(qa.pk)},
                       format="json").status_code == 409  # already an FAQ  # fmt: skip
    assert client.delete(f"/v1/admin/faq/{qa.pk}").json()["record"]["to_type"] == "qa"
    assert client.delete(f"/v1/admin/faq/{qa.pk}").status_code == 404
    history = client.get("/v1/admin/faq/history").json()
    assert [h["to_type"] for h in history["history"]] == ["qa", "faq", "faq_candidate"]
    stats = client.get("/v1/admin/faq/stats").json()
    assert (stats["qa"], stats["faqs"], stats["promotions"], stats["demotions"]) == (1, 0, 1, 1)


def test_faq_endpoints_need_the_faq_scope(bob):
    assert bob.client().get("/v1/admin/faq/stats").status_code == 403


def test_classify_without_llm_returns_the_prompt_and_parses_a_reply(alice):
    client = alice.client()
    body = client.post("/v1/admin/faq/classify", {"question": "How to reset password?",
                       "answer": "Go to settings"}, format="json").json()  # fmt: skip
    assert body["mode"] == "prompt" and "How to reset password?" in body["prompt"]
    body = client.post("/v1/admin/faq/classify", {"question": "q", "response_text":
                       "category: Account\nconfidence: 0.95"}, format="json").json()  # fmt: skip
    assert body == {"mode": "parsed", "category": "account", "confidence": 0.95}
    bad = client.post("/v1/admin/faq/classify", {"question": "q", "response_text": "no idea"},
                      format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "BadRequest"


def test_classify_with_an_llm_classifies_and_a_failing_llm_is_a_502(alice, llm):
    llm.script(Reply(content="category: billing\nconfidence: 0.8"))
    body = alice.client().post("/v1/admin/faq/classify", {"question": "Why was I charged twice?"},
                               format="json").json()  # fmt: skip
    assert body == {"mode": "llm", "category": "billing", "confidence": 0.8}
    llm.script(Reply(status=500), Reply(status=500))
    failed = alice.client().post("/v1/admin/faq/classify", {"question": "q"}, format="json")
    assert failed.status_code == 502
    assert "sk-test-upstream-secret" not in failed.content.decode()
