"""The memory API as a client sees it."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory, Message
from tests.memories.factories import make_memories

ADD, SEARCH = "/v1/memory/add", "/v1/memory/search"


def add(actor, **body):
    body.setdefault("user_id", "u1")
    return actor.client().post(ADD, body, format="json")


def search(actor, query, **body):
    response = actor.client().post(SEARCH, {"query": query, "user_id": "u1", **body}, format="json")
    assert response.status_code == 200, response.content
    return [hit["memory"] for hit in response.json()["results"]]


def test_add_accepts_every_message_form(alice):
    forms = [
        {"messages": "plain string"},
        {"messages": {"role": "user", "content": "one object"}},
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "parts"}]}]},
        {"role": "user", "content": "reference form"},
    ]
    for body in forms:
        response = add(alice, **body)
        assert response.status_code == 200, (body, response.content)
        assert response.json()["status"] == "done"
    with tenant_scope(alice.tenant.pk):
        values = set(Memory.objects.values_list("value", flat=True))
    assert {"plain string", "one object", "a", "b", "parts", "reference form"} == values


def test_add_keeps_scope_metadata_timestamp_and_sources(alice):
    response = add(
        alice,
        agent_id="bot",
        run_id="conv-9",
        timestamp="2023-05-08T13:56:00Z",
        metadata={"dia_id": "D1:3"},
        messages=[{"role": "user", "content": "I went to a support group", "metadata": {"x": 1}}],
    )
    [memory] = response.json()["results"]
    assert (memory["agent_id"], memory["conversation_id"]) == ("bot", "conv-9")
    assert memory["metadata"] == {"dia_id": "D1:3", "x": 1}
    [source] = memory["sources"]
    assert source["metadata"]["dia_id"] == "D1:3"
    with tenant_scope(alice.tenant.pk):
        message = Message.objects.get(pk=source["message_id"])
    assert message.timestamp.isoformat() == "2023-05-08T13:56:00+00:00"


def test_event_id_makes_add_idempotent(alice):
    first = add(alice, messages="only once", event_id="evt-1")
    second = add(alice, messages="only once", event_id="evt-1")
    assert first.json() == second.json()
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.count() == 1 and Message.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"messages": ""},
        {"messages": []},
        {"messages": [{"role": "robot", "content": "x"}]},
        {"messages": [{"role": "user", "content": "   "}]},
        {"messages": [{"role": "user", "content": 42}]},
        {"messages": [{"role": "user", "content": "x" * 20001}]},
        {"messages": [123]},
        {},
        {"messages": "a", "content": "b"},
        {"messages": "a", "async_mode": "later"},
    ],
)
def test_bad_add_is_400_and_stores_nothing(alice, body, settings):
    settings.MEMORY_CONTENT_MAX_CHARS = 20000
    response = add(alice, **body)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "BadRequest"
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.count() == 0 and Memory.objects.count() == 0


def test_missing_user_id_is_400(alice):
    response = alice.client().post(ADD, {"messages": "x"}, format="json")
    assert response.status_code == 400 and "user_id" in response.json()["error"]["details"]
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.count() == 0 and Memory.objects.count() == 0


def test_content_at_the_length_limit_is_stored_one_more_is_not(alice, settings):
    settings.MEMORY_CONTENT_MAX_CHARS = 300  # the bound, without indexing 20,000 characters
    assert add(alice, messages=[{"role": "user", "content": "y" * 301}]).status_code == 400
    response = add(alice, messages=[{"role": "user", "content": "x" * 300}])
    assert response.status_code == 200, response.content
    with tenant_scope(alice.tenant.pk):
        assert list(Message.objects.values_list("content", flat=True)) == ["x" * 300]


def test_chinese_keyword_search_finds_the_sentence(alice):
    make_memories(alice.tenant, "u1", ["我喜欢草莓", "今天天气很好", "I like apples"])
    assert search(alice, "草莓", mode="keyword") == ["我喜欢草莓"]


def test_english_keyword_search_uses_stems(alice):
    make_memories(alice.tenant, "u1", ["She is running a marathon", "我喜欢草莓"])
    assert search(alice, "runs", mode="keyword") == ["She is running a marathon"]


def test_vector_search_crosses_languages(alice):
    make_memories(
        alice.tenant,
        "u1",
        ["我的妹妹住在上海", "The quarterly report is due Friday", "我喜欢打篮球"],
    )
    assert search(alice, "Where does my sister live?", mode="vector", limit=1) == [
        "我的妹妹住在上海"
    ]


def test_hybrid_ranks_the_exact_match_first(alice):
    make_memories(
        alice.tenant,
        "u1",
        ["My dog is called Rex", "I have a cat", "Dogs are loyal animals", "我养了一只狗"],
    )
    assert search(alice, "What is my dog called?")[0] == "My dog is called Rex"


def test_search_is_scoped_to_the_user(alice):
    make_memories(alice.tenant, "u1", ["u1 likes tea"])
    make_memories(alice.tenant, "u2", ["u2 likes tea"])
    assert search(alice, "tea") == ["u1 likes tea"]


def test_filters_tags_type_threshold_and_limit(alice):
    make_memories(alice.tenant, "u1", ["tea in the morning"], metadata={"score": 5, "cat": "food"},
                  tags=["drink"])  # fmt: skip
    make_memories(alice.tenant, "u1", ["tea in the evening"], metadata={"score": 1, "cat": "food"})
    make_memories(alice.tenant, "u1", ["tea ceremony"], metadata={"cat": "culture"},
                  memory_type="UserMemory")  # fmt: skip
    assert search(alice, "tea", filters={"score": {"gte": 3}}) == ["tea in the morning"]
    either = {"OR": [{"cat": "culture"}, {"score": {"lt": 2}}]}
    assert set(search(alice, "tea", filters=either)) == {"tea ceremony", "tea in the evening"}
    assert search(alice, "tea", filters={"NOT": {"cat": "food"}}) == ["tea ceremony"]
    assert search(alice, "tea", filters={"cat": {"in": ["culture"]}}) == ["tea ceremony"]
    assert search(alice, "tea", tags=["drink"]) == ["tea in the morning"]
    assert search(alice, "tea", memory_type="UserMemory") == ["tea ceremony"]
    assert len(search(alice, "tea", limit=2)) == 2
    assert search(alice, "tea", threshold=0.99) == []


@pytest.mark.parametrize(
    "body",
    [
        {"query": ""},
        {"query": "x", "limit": 0},
        {"query": "x", "limit": 101},
        {"query": "x", "mode": "magic"},
        {"query": "x", "filters": {"a": {"regex": ".*"}}},
        {"query": "x", "filters": "a=1"},
        {"query": "x", "threshold": 2},
    ],
)
def test_bad_search_is_400(alice, body):
    response = alice.client().post(SEARCH, body, format="json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize("bound", [{"limit": 1}, {"limit": 100}, {"top_k": 1}, {"top_k": 100}])
def test_search_limits_at_the_bound_are_accepted(alice, bound):
    make_memories(alice.tenant, "u1", [f"tea note {i}" for i in range(3)])
    response = alice.client().post(SEARCH, {"query": "tea", "user_id": "u1", **bound},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == min(3, *bound.values())


def test_hits_carry_the_documented_fields(alice):
    add(alice, messages=[{"role": "user", "content": "I play the violin", "metadata": {"t": 1}}])
    hit = alice.client().post(SEARCH, {"query": "violin", "user_id": "u1"}, format="json").json()
    [hit] = hit["results"]
    for name in ("id", "memory", "score", "memory_type", "tags", "metadata", "sources",
                 "created_at", "updated_at"):  # fmt: skip
        assert name in hit
    assert 0 < hit["score"] <= 1 and hit["sources"][0]["metadata"] == {"t": 1}


def test_update_delete_and_history(alice):
    [memory] = make_memories(alice.tenant, "u1", ["I live in Beijing"])
    path = f"/v1/memory/{memory.pk}"
    client = alice.client()
    assert client.patch(path, {"memory": "I live in Shanghai"}, format="json").status_code == 200
    assert search(alice, "Shanghai", mode="keyword") == ["I live in Shanghai"]
    assert search(alice, "Beijing", mode="keyword") == []
    assert client.put(path, {"metadata": {"a": 1}}, format="json").json()["metadata"] == {"a": 1}
    assert client.delete(path).status_code == 200
    assert client.get(path).status_code == 404
    assert search(alice, "Shanghai") == []
    history = client.get(f"{path}/history")
    assert history.status_code == 404  # a deleted memory is gone for clients
    with tenant_scope(alice.tenant.pk):
        events = list(memory.versions.values_list("event", "old_value", "new_value"))
    assert events == [
        ("ADD", None, "I live in Beijing"),
        ("UPDATE", "I live in Beijing", "I live in Shanghai"),
        ("UPDATE", "I live in Shanghai", "I live in Shanghai"),
        ("DELETE", "I live in Shanghai", None),
    ]


def test_history_endpoint(alice):
    [memory] = make_memories(alice.tenant, "u1", ["v1"])
    alice.client().patch(f"/v1/memory/{memory.pk}", {"memory": "v2"}, format="json")
    history = alice.client().get(f"/v1/memory/{memory.pk}/history").json()
    assert [(h["event"], h["new_memory"]) for h in history] == [("ADD", "v1"), ("UPDATE", "v2")]


def test_empty_update_is_400_and_changes_nothing(alice):
    [memory] = make_memories(alice.tenant, "u1", ["x"])
    assert alice.client().patch(f"/v1/memory/{memory.pk}", {}, format="json").status_code == 400
    assert alice.client().put(f"/v1/memory/{memory.pk}", {"memory": ""},
                              format="json").status_code == 400  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        row = Memory.objects.get(pk=memory.pk)
        assert (row.value, row.version, row.updated_at) == ("x", 1, memory.updated_at)
        assert list(row.versions.values_list("event", flat=True)) == ["ADD"]


def test_unknown_and_malformed_ids_are_404(alice):
    client = alice.client()
    assert client.get("/v1/memory/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/v1/memory/not-a-uuid").status_code == 404


def test_list_paginates_and_delete_all_of_one_user(alice):
    make_memories(alice.tenant, "u1", [f"m{i}" for i in range(5)])
    make_memories(alice.tenant, "u2", ["other"])
    page = alice.client().get("/v1/memory?user_id=u1&page=2&page_size=2").json()
    assert page["count"] == 5 and len(page["results"]) == 2
    assert alice.client().get("/v1/memory?page_size=501").status_code == 400
    at_the_bound = alice.client().get("/v1/memory?user_id=u1&page_size=500")
    assert at_the_bound.status_code == 200 and len(at_the_bound.json()["results"]) == 5
    assert alice.client().delete("/v1/memory").status_code == 400
    assert alice.client().delete("/v1/memory?user_id=u1").json() == {"deleted": 5}
    assert alice.client().get("/v1/memory?user_id=u1").json()["count"] == 0
    assert alice.client().get("/v1/memory?user_id=u2").json()["count"] == 1


def test_messages_are_kept_in_order(alice):
    turns = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    add(alice, conversation_id="c1", messages=turns)
    add(alice, conversation_id="c2", messages="elsewhere")
    rows = alice.client().get("/v1/memory/messages?user_id=u1&conversation_id=c1").json()
    assert [(r["role"], r["content"]) for r in rows] == [("user", "hi"), ("assistant", "hello")]
    assert alice.client().get("/v1/memory/messages").status_code == 400


def test_memory_scope_is_required(bob, tenant_a):
    from tests.conftest import make_actor

    assert add(bob, messages="ok").status_code == 200  # bob: memory scope only
    chat_only = make_actor("dora", tenant_a, scopes=["chat"])
    assert add(chat_only, messages="no").status_code == 403
    assert chat_only.client().post(SEARCH, {"query": "ok"}, format="json").status_code == 403
    with tenant_scope(tenant_a.pk):  # bob's add alone was stored
        assert list(Message.objects.values_list("content", flat=True)) == ["ok"]


def test_client_vector_of_the_wrong_dimension_is_400(alice):
    make_memories(alice.tenant, "u1", ["vector test"])
    response = alice.client().post(SEARCH, {"query": "x", "vector": [0.1] * 7}, format="json")
    assert response.status_code == 400 and "dimensions" in str(response.json()["error"]["details"])


def test_client_vector_is_used_for_the_vector_ranking(alice):
    from apps.memories.embeddings import get_embedder

    make_memories(alice.tenant, "u1", ["the cat sleeps", "stock prices fell"])
    vector = get_embedder().embed_query("feline napping").tolist()
    hits = search(alice, "unrelated words", mode="vector", vector=vector, limit=1)
    assert hits == ["the cat sleeps"]


def test_list_takes_metadata_filters(alice):
    make_memories(alice.tenant, "u1", ["a"], metadata={"k": 1})
    make_memories(alice.tenant, "u1", ["b"], metadata={"k": 2})
    rows = alice.client().get('/v1/memory?user_id=u1&filters={"k": {"gt": 1}}').json()["results"]
    assert [r["memory"] for r in rows] == ["b"]
    assert alice.client().get("/v1/memory?filters={bad").status_code == 400


def test_exact_and_index_search_agree_on_the_best_hit(alice, settings):
    make_memories(alice.tenant, "u1", ["my bicycle is red", "the soup was salty", "我在学日语"])
    settings.SEARCH_EXACT_MAX = 100_000
    exact = search(alice, "What colour is my bike?", mode="vector", limit=1)
    settings.SEARCH_EXACT_MAX = 0
    approximate = search(alice, "What colour is my bike?", mode="vector", limit=1)
    assert exact == approximate == ["my bicycle is red"]


def test_a_memory_is_found_by_its_date_in_either_language(alice):
    add(alice, messages=[{"role": "user", "content": "I got a medal at the shelter"}],
        timestamp="2023-08-30T10:00:00Z")  # fmt: skip
    add(alice, messages=[{"role": "user", "content": "I got a new bike"}],
        timestamp="2024-02-01T10:00:00Z")  # fmt: skip
    assert (
        search(alice, "What happened in August 2023?", mode="keyword")[0]
        == "I got a medal at the shelter"
    )
    assert search(alice, "2023年8月发生了什么", mode="keyword")[0] == "I got a medal at the shelter"
    assert (
        search(alice, "What did I get in February 2024?", mode="keyword")[0] == "I got a new bike"
    )
