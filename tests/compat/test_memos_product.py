"""MemOS's product API (/product/*): cubes as memory spaces inside the tenant, MemOS's memory
items, feedback through reconciliation, and chat (complete and stream) against the local
OpenAI-compatible test server."""

from __future__ import annotations

import json

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory, Message
from tests.llm_server import Reply
from tests.memories.factories import make_memories


def post(actor, path, body, status=200):
    response = actor.client().post(f"/product/{path}", body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_add_to_cubes_and_search_them(alice):
    added = post(alice, "add", {"user_id": "ann", "mem_cube_id": "team-cube",
                                "messages": [{"role": "user", "content": "We ship on Fridays"}],
                                "async_mode": "sync", "session_id": "s1",
                                "info": {"source": "slack"}})  # fmt: skip
    assert added["code"] == 200 and added["data"][0]["cube_id"] == "team-cube"
    post(alice, "add", {"user_id": "ann", "memory_content": "I prefer green tea",
                        "async_mode": "sync"})  # fmt: skip

    found = post(alice, "search", {"user_id": "ann", "query": "when do we ship",
                                   "readable_cube_ids": ["team-cube", "ann"], "top_k": 3})  # fmt: skip
    cubes = {c["cube_id"]: c["memories"] for c in found["data"]["text_mem"]}
    assert set(cubes) == {"team-cube", "ann"}
    item = cubes["team-cube"][0]
    assert item["memory"] == "We ship on Fridays"
    meta = item["metadata"]
    assert meta["session_id"] == "s1" and meta["info"]["source"] == "slack"
    assert meta["info"]["memos_user_id"] == "ann" and 0 < meta["relativity"] <= 1
    for field in ("key", "tags", "confidence", "background", "memory_type", "sources",
                  "created_at", "updated_at"):  # fmt: skip
        assert field in meta
    # the turn, and the preference the pipeline found in it in the same words: shown once
    assert [m["memory"] for m in cubes["ann"]] == ["I prefer green tea"]

    own = post(alice, "search", {"user_id": "ann", "query": "ship"})  # no cube: the caller's own
    assert [c["cube_id"] for c in own["data"]["text_mem"]] == ["ann"]
    everything = post(alice, "get_all", {"user_id": "ann", "memory_type": "text_mem",
                                         "mem_cube_ids": ["team-cube"]})  # fmt: skip
    assert [m["memory"] for m in everything["data"][0]["memories"]] == ["We ship on Fridays"]
    page = post(alice, "get_memory", {"mem_cube_id": "team-cube", "page": 1, "page_size": 10})
    assert page["data"]["text_mem"][0]["total"] == 1
    one = alice.client().get(f"/product/get_memory/{item['id']}").json()
    assert one["data"]["memory"] == "We ship on Fridays"


def test_feedback_updates_through_reconciliation_and_delete(alice):
    post(alice, "add", {"user_id": "bo", "messages": "I live in Beijing", "async_mode": "sync"})
    feedback = post(alice, "feedback", {"user_id": "bo",
                                        "feedback_content": "I just moved to Hangzhou"})  # fmt: skip
    assert feedback["data"][0]["decisions"][0]["event"] == "UPDATE"
    with tenant_scope(alice.tenant.pk):
        place = Memory.objects.get(tenant=alice.tenant, user_id="bo", kind="place")
    assert place.value.startswith("I just moved to Hangzhou")
    deleted = post(alice, "delete_memory", {"memory_ids": [str(place.pk)]})
    assert deleted["data"]["deleted"] == 1
    wiped = post(alice, "delete_memory", {"writable_cube_ids": ["bo"]})
    assert wiped["data"]["deleted"] >= 2
    assert post(alice, "get_memory", {"mem_cube_id": "bo"})["data"]["text_mem"][0]["total"] == 0


def test_chat_complete_reads_cubes_answers_and_writes_back(alice, llm):
    make_memories(alice.tenant, "family", ["Grandma's birthday is on 3 May"])
    llm.script(Reply(content="It is on 3 May."))
    body = post(alice, "chat/complete", {
        "user_id": "cy", "query": "When is grandma's birthday?",
        "readable_cube_ids": ["family"], "writable_cube_ids": ["cy"],
        "system_prompt": "Be brief.", "temperature": 0.1, "model_name_or_path": "gpt-4o-mini",
    })  # fmt: skip
    assert body["data"]["response"] == "It is on 3 May."
    assert body["data"]["references"][0]["memory"] == "Grandma's birthday is on 3 May"
    sent = llm.requests[0]["body"]
    assert sent["temperature"] == 0.1 and sent["messages"][0]["content"] == "Be brief."
    assert "Grandma's birthday" in sent["messages"][1]["content"]
    with tenant_scope(alice.tenant.pk):
        written = set(Message.objects.filter(user_id="cy").values_list("role", "content"))
        family = Message.objects.filter(user_id="family").count()
    assert ("assistant", "It is on 3 May.") in written and family == 0


def test_chat_without_writing_back(alice, llm):
    post(alice, "chat/complete", {"user_id": "dy", "query": "hello",
                                  "add_message_on_answer": False})  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        assert not Message.objects.filter(user_id="dy").exists()


def test_chat_stream_sends_memos_events(alice, llm):
    make_memories(alice.tenant, "ed", ["My cat is called Miso"])
    llm.script(Reply(chunks=["Your cat ", "is Miso."]))
    response = alice.client().post("/product/chat/stream",
                                   {"user_id": "ed", "query": "What is my cat called?"},
                                   format="json")  # fmt: skip
    assert response["Content-Type"] == "text/event-stream"
    raw = b"".join(response.streaming_content).decode()
    events = [json.loads(b[len("data: ") :]) for b in raw.split("\n\n") if b.startswith("data: ")]
    assert events[0]["type"] == "reference" and "Miso" in events[0]["data"][0]["memory"]
    assert "".join(e["data"] for e in events if e["type"] == "text") == "Your cat is Miso."
    assert events[-1] == {"type": "end", "data": None}


@pytest.mark.parametrize(("path", "body"), [
    ("add", {"messages": "x"}),
    ("add", {"user_id": "u", "messages": "x", "writable_cube_ids": "not-a-list"}),
    ("search", {"user_id": "u"}),
    ("search", {"user_id": "u", "query": "q", "top_k": 0}),
    ("search", {"user_id": "u", "query": "q", "top_k": 101}),
    ("get_all", {"user_id": "u", "memory_type": "nope"}),
    ("get_memory", {}),
    ("delete_memory", {}),
    ("feedback", {"user_id": "u"}),
    ("chat/complete", {"user_id": "u"}),
], ids=["no-user", "cubes", "no-query", "top-k-0", "top-k-101", "type", "no-cube", "nothing",
        "no-content", "no-query-chat"])  # fmt: skip
def test_bad_requests_are_400_and_store_nothing(alice, path, body):
    assert post(alice, path, body, status=400)["error"]["type"]
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.count() == 0 and Memory.objects.count() == 0


@pytest.mark.parametrize("top_k", [1, 100])
def test_search_top_k_at_the_bound_is_accepted(alice, top_k):
    make_memories(alice.tenant, "u", ["tea at noon", "tea at night"])
    found = post(alice, "search", {"user_id": "u", "query": "tea", "top_k": top_k})
    [cube] = found["data"]["text_mem"]
    assert len(cube["memories"]) == min(2, top_k)
