"""MemOS's cloud API as MemOSClient uses it: its request bodies (tests/compat/memos_client.py),
`Token` auth, and every answer validated by the client's own pydantic models."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from tests.compat import memos_client as mc

BASE = "/api/openmem/v1"


def client(actor) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {actor.secret}")
    return api


def post(actor, path: str, payload: dict, model=None, status: int = 200):
    response = client(actor).post(f"{BASE}/{path}", payload, format="json")
    assert response.status_code == status, response.content
    if model is None:
        return response.json()
    body = response.json()
    if model is mc.MemOSGetTaskStatusResponse:
        body = mc.normalize_task_status(body, payload["task_id"])
    parsed = model(**body)
    assert parsed.code == 0
    return parsed


def test_add_search_get_and_the_task_status(alice):
    added = post(alice, "add/message", mc.add_message(
        [{"role": "user", "content": "I live in Beijing and I love hotpot",
          "chat_time": "2025-03-01T10:00:00Z"},
         {"role": "assistant", "content": "Beijing hotpot is great."}],
        user_id="mona", conversation_id="c1", info={"channel": "app"}, async_mode=False,
        tags=["travel"],
    ), mc.MemOSAddResponse)  # fmt: skip
    assert added.success and added.status == "completed"
    status = post(alice, "get/status", {"task_id": added.task_id}, mc.MemOSGetTaskStatusResponse)
    assert (status.data.task_id, status.data.status) == (added.task_id, "completed")

    found = post(alice, "search/memory",
                 mc.search_memory("where does she live", user_id="mona", memory_limit_number=3),
                 mc.MemOSSearchResponse)  # fmt: skip
    top = found.memories[0].model_dump()
    assert "Beijing" in top["memory_value"] and top["memory_key"]
    assert 0 < top["relativity"] <= 1 and top["conversation_id"] == "c1"
    assert top["info"]["channel"] == "app" and isinstance(top["update_time"], int)
    assert top["info"]["custom_tags"] == ["travel"]
    raw = post(alice, "search/memory", mc.search_memory("where does she live", user_id="mona"))
    assert "Beijing" in raw["data"]["instruction"]  # not in the client's model: raw API users
    assert raw["data"]["full_instruction"].endswith("User question: where does she live")

    page = post(alice, "get/memory", mc.get_memory(user_id="mona", page=1, size=2),
                mc.MemOSGetMemoryResponse)  # fmt: skip
    assert page.data.total >= 3 and page.data.size == 2 and len(page.memories) == 2
    assert page.data.pages == -(-page.data.total // 2)

    messages = post(alice, "get/message", mc.get_message("mona", conversation_id="c1"),
                    mc.MemOSGetMessagesResponse)  # fmt: skip
    assert [m.model_dump()["role"] for m in messages.messages] == ["user", "assistant"]

    detail = client(alice).get(f"{BASE}/get/memory/{top['id']}").json()
    assert detail["code"] == 0 and detail["data"]["memory_value"] == top["memory_value"]


def test_async_add_is_queued_and_reports_its_status(alice):
    added = post(alice, "add/message", mc.add_message(
        [{"role": "user", "content": "I play the violin"}], user_id="nia"),
        mc.MemOSAddResponse)  # fmt: skip
    assert added.status == "pending"
    status = post(alice, "get/status", {"task_id": added.task_id}, mc.MemOSGetTaskStatusResponse)
    assert status.data.status in {"pending", "running", "completed"}


def test_feedback_corrects_memories_through_reconciliation(alice):
    post(alice, "add/message", mc.add_message(
        [{"role": "user", "content": "I live in Beijing"}], user_id="ola", async_mode=False),
        mc.MemOSAddResponse)  # fmt: skip
    feedback = post(alice, "add/feedback", mc.add_feedback(
        "ola", feedback_content="I just moved to Hangzhou last month"),
        mc.MemOSAddFeedBackResponse)  # fmt: skip
    assert feedback.success
    with tenant_scope(alice.tenant.pk):
        place = Memory.objects.get(tenant=alice.tenant, user_id="ola", kind="place")
        assert place.value.startswith("I just moved to Hangzhou")
        assert list(place.versions.values_list("event", flat=True)) == ["ADD", "UPDATE"]


def test_delete_by_ids_and_by_user(alice):
    post(alice, "add/message", mc.add_message(
        [{"role": "user", "content": "note one"}, {"role": "user", "content": "note two"}],
        user_id="pia", async_mode=False), mc.MemOSAddResponse)  # fmt: skip
    ids = [
        m.model_dump()["id"]
        for m in post(
            alice, "get/memory", mc.get_memory(user_id="pia"), mc.MemOSGetMemoryResponse
        ).memories
    ]
    deleted = post(alice, "delete/memory", {"memory_ids": ids[:1]}, mc.MemOSDeleteMemoryResponse)
    assert deleted.success
    left = post(alice, "get/memory", mc.get_memory(user_id="pia"), mc.MemOSGetMemoryResponse)
    assert left.data.total == len(ids) - 1
    post(alice, "delete/memory", {"user_id": "pia"}, mc.MemOSDeleteMemoryResponse)
    assert post(alice, "get/memory", mc.get_memory(user_id="pia"),
                mc.MemOSGetMemoryResponse).data.total == 0  # fmt: skip


@pytest.mark.parametrize(("path", "payload"), [
    ("add/message", mc.add_message([{"role": "user", "content": "x"}])),  # no user or agent
    ("add/message", mc.add_message([{"role": "robot", "content": "x"}], user_id="u")),
    ("search/memory", mc.search_memory("", user_id="u")),
    ("search/memory", mc.search_memory("q", user_id="u", memory_limit_number=500)),
    ("get/memory", mc.get_memory(user_id="u", size=51)),
    ("delete/memory", {}),
    ("delete/memory", {"memory_ids": ["not-an-id"]}),
    ("add/feedback", mc.add_feedback("u", feedback_content="")),
], ids=["no-subject", "role", "empty-query", "limit", "size", "nothing", "bad-id", "empty"])  # fmt: skip
def test_bad_requests_are_400(alice, path, payload):
    body = post(alice, path, payload, status=400)
    assert body["error"]["type"]


def test_unknown_task_is_404(alice):
    post(alice, "get/status", {"task_id": "3b0c3b8e-6a6e-4f8a-9a53-0d2b7e8e2a11"}, status=404)
