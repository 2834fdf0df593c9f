"""MemOS's cloud API through MemOS's own `MemOSClient` (the MemoryOS package, unchanged:
tests/compat/memos_package.py) pointed at the platform under uvicorn: its request bodies, its
`Token` auth, every answer validated by its pydantic models. Bad input is sent raw: the client
refuses most of it before sending, and other callers will send it."""

from __future__ import annotations

import httpx
import pytest
import requests
from rest_framework.test import APIClient

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory, Message
from tests.compat.memos_package import MemOSClient

BASE = "/api/openmem/v1"
live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def memos_alice(live_api, alice) -> MemOSClient:
    return MemOSClient(api_key=alice.secret, base_url=f"{live_api.url}{BASE}")


def raw(actor, path: str, payload: dict, status: int = 200) -> dict:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {actor.secret}")
    response = api.post(f"{BASE}/{path}", payload, format="json")
    assert response.status_code == status, response.content
    return response.json()


@live
def test_add_search_get_and_the_task_status(memos_alice, live_api, alice):
    client = memos_alice
    added = client.add_message(
        [{"role": "user", "content": "I live in Beijing and I love hotpot",
          "chat_time": "2025-03-01T10:00:00Z"},
         {"role": "assistant", "content": "Beijing hotpot is great."}],
        user_id="mona", conversation_id="c1", info={"channel": "app"}, async_mode=False,
        tags=["travel"],
    )  # fmt: skip
    assert added.code == 0 and added.success and added.status == "completed"
    status = client.get_task_status(added.task_id)
    assert (status.data.task_id, status.data.status) == (added.task_id, "completed")

    found = client.search_memory("where does she live", user_id="mona", memory_limit_number=3)
    top = found.memories[0].model_dump()
    assert "Beijing" in top["memory_value"] and top["memory_key"]
    assert 0 < top["relativity"] <= 1 and top["conversation_id"] == "c1"
    assert top["info"]["channel"] == "app" and isinstance(top["update_time"], int)
    assert top["info"]["custom_tags"] == ["travel"]
    # not in the client's model, for raw API users
    answer = httpx.post(f"{live_api.url}{BASE}/search/memory", headers=client.headers,
                        json={"query": "where does she live", "user_id": "mona"}).json()  # fmt: skip
    assert "Beijing" in answer["data"]["instruction"]
    assert answer["data"]["full_instruction"].endswith("User question: where does she live")

    page = client.get_memory(user_id="mona", page=1, size=2)
    assert page.data.total >= 3 and page.data.size == 2 and len(page.memories) == 2
    assert page.data.pages == -(-page.data.total // 2)

    messages = client.get_message("mona", conversation_id="c1")
    assert [m.model_dump()["role"] for m in messages.messages] == ["user", "assistant"]

    detail = client.get_memory_by_id(top["id"])
    assert detail["code"] == 0 and detail["data"]["memory_value"] == top["memory_value"]


@live
def test_async_add_is_queued_and_reports_its_status(memos_alice):
    added = memos_alice.add_message([{"role": "user", "content": "I play the violin"}],
                                    user_id="nia")  # fmt: skip
    assert added.status == "pending"
    status = memos_alice.get_task_status(added.task_id)
    assert status.data.status in {"pending", "running", "completed"}


@live
def test_feedback_corrects_memories_through_reconciliation(memos_alice, alice):
    memos_alice.add_message([{"role": "user", "content": "I live in Beijing"}], user_id="ola",
                            async_mode=False)  # fmt: skip
    feedback = memos_alice.add_feedback(
        "ola", feedback_content="I just moved to Hangzhou last month"
    )
    assert feedback.success
    with tenant_scope(alice.tenant.pk):
        place = Memory.objects.get(tenant=alice.tenant, user_id="ola", kind="place")
        assert place.value.startswith("I just moved to Hangzhou")
        assert list(place.versions.values_list("event", flat=True)) == ["ADD", "UPDATE"]


@live
def test_delete_by_ids_and_by_user(memos_alice):
    client = memos_alice
    client.add_message([{"role": "user", "content": "note one"},
                        {"role": "user", "content": "note two"}], user_id="pia",
                       async_mode=False)  # fmt: skip
    ids = [m.model_dump()["id"] for m in client.get_memory(user_id="pia").memories]
    assert client.delete_memory(memory_ids=ids[:1]).success
    assert client.get_memory(user_id="pia").data.total == len(ids) - 1
    assert client.delete_memory(user_id="pia").success
    assert client.get_memory(user_id="pia").data.total == 0


@live
def test_an_error_reaches_the_client_as_an_http_error(memos_alice):
    """The client raises on a non-2xx answer (after its retries): a 404 stays a 404."""
    with pytest.raises(requests.HTTPError) as raised:
        memos_alice.get_task_status("3b0c3b8e-6a6e-4f8a-9a53-0d2b7e8e2a11")
    assert raised.value.response.status_code == 404


@pytest.mark.parametrize(("path", "payload"), [
    ("add/message", {"messages": [{"role": "user", "content": "x"}]}),  # no user or agent
    ("add/message", {"messages": [{"role": "robot", "content": "x"}], "user_id": "u"}),
    ("search/memory", {"query": "", "user_id": "u"}),
    ("search/memory", {"query": "q", "user_id": "u", "memory_limit_number": 51}),
    ("get/memory", {"user_id": "u", "size": 51}),
    ("delete/memory", {}),
    ("delete/memory", {"memory_ids": ["not-an-id"]}),
    ("add/feedback", {"user_id": "u", "feedback_content": ""}),
], ids=["no-subject", "role", "empty-query", "limit", "size", "nothing", "bad-id", "empty"])  # fmt: skip
def test_bad_requests_are_400_and_store_nothing(alice, path, payload):
    body = raw(alice, path, payload, status=400)
    assert body["error"]["type"]
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.count() == 0 and Memory.objects.count() == 0


@pytest.mark.parametrize(("path", "payload"), [
    ("search/memory", {"query": "q", "user_id": "u", "memory_limit_number": 50}),
    ("get/memory", {"user_id": "u", "size": 50}),
], ids=["limit", "size"])  # fmt: skip
def test_limits_at_the_bound_are_accepted(alice, path, payload):
    assert raw(alice, path, payload)["code"] == 0


def test_unknown_task_is_404(alice):
    raw(alice, "get/status", {"task_id": "3b0c3b8e-6a6e-4f8a-9a53-0d2b7e8e2a11"}, status=404)
