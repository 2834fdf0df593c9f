"""mem0's graph memory on the mem0 paths: `enable_graph` adds a `relations` key to add, search
and get_all, in mem0's shapes, only when asked; deleting a user entity retracts its edges.
Requests are shaped as mem0's `MemoryClient` (mem0ai 2.x) sends them."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.graph.models import Relation

pytestmark = pytest.mark.django_db


def _post(actor, path, body):
    return actor.client("Token").post(path, body, format="json")


def _add(actor, text, user_id="joe", **extra):
    body = {"messages": [{"role": "user", "content": text}], "user_id": user_id, **extra}
    response = _post(actor, "/v3/memories/add/", body)
    assert response.status_code == 200, response.content
    return response.json()


def _triples(relations):
    return {(r["source"], r["relationship"], r["target"]) for r in relations}


def _current_edges(actor, user_id="joe"):
    with tenant_scope(actor.tenant.pk):
        return Relation.objects.filter(
            tenant=actor.tenant, user_id=user_id, valid_to__isnull=True,
            invalidated_at__isnull=True,
        ).count()  # fmt: skip


def test_add_with_enable_graph_answers_added_and_deleted_relations(alice):
    first = _add(alice, "I live in Paris.", enable_graph=True)
    assert set(first) == {"results", "relations"}
    assert first["relations"] == {
        "deleted_entities": [],
        "added_entities": [[{"source": "joe", "relationship": "lives_in", "target": "paris"}]],
    }
    moved = _add(alice, "I live in Berlin now.", enable_graph=True)["relations"]
    assert moved["added_entities"] == [
        [{"source": "joe", "relationship": "lives_in", "target": "berlin"}]
    ]
    assert moved["deleted_entities"] == [
        [{"source": "joe", "relationship": "lives_in", "target": "paris"}]
    ]
    assert _current_edges(alice) == 1  # Paris closed, not deleted: history keeps it
    with tenant_scope(alice.tenant.pk):
        assert Relation.objects.filter(tenant=alice.tenant, user_id="joe").count() == 2


def test_relations_appear_only_when_asked(alice):
    added = _add(alice, "I live in Paris.")
    assert set(added) == {"results"}
    assert _current_edges(alice) == 0  # the graph stage is queued, not run in the request
    found = _post(alice, "/v3/memories/search/", {"query": "Paris", "filters": {"user_id": "joe"}})
    assert "relations" not in found.json()
    listed = _post(alice, "/v3/memories/", {"filters": {"user_id": "joe"}})
    assert "relations" not in listed.json() and listed.json()["count"] >= 1


def test_async_add_has_no_relations_yet(alice):
    queued = _add(alice, "I live in Paris.", enable_graph=True, async_mode=True)
    assert queued["results"][0]["status"] == "PENDING"
    assert queued["relations"] == {"deleted_entities": [], "added_entities": []}


def test_search_and_get_all_answer_the_users_relations_in_mem0s_shape(alice):
    _add(alice, "I live in Paris.", enable_graph=True)
    parse = "Relation: Emma works_at Google\nRelation: joe likes tea\nRelation: Emma likes chess"
    assert _post(alice, "/v1/graph/extract/llm-parse", {"response": parse, "user_id": "joe"}
                 ).status_code == 200  # fmt: skip
    _post(alice, "/v1/graph/extract/llm-parse", {"response": "Relation: Zed likes golf",
                                                 "user_id": "other"})  # fmt: skip

    found = _post(alice, "/v3/memories/search/", {
        "query": "Where does Emma work?", "filters": {"user_id": "joe"}, "top_k": 2,
        "enable_graph": True,
    })  # fmt: skip
    assert found.status_code == 200, found.content
    relations = found.json()["relations"]
    assert len(relations) == 2  # top_k bounds the relations too
    # the edges touching Emma, whom the query names, come first
    assert _triples(relations) == {("emma", "works_at", "google"), ("emma", "likes", "chess")}
    assert set(relations[0]) == {"source", "source_type", "relationship", "target",
                                 "target_type"}  # fmt: skip

    listed = _post(alice, "/v3/memories/", {"filters": {"AND": [{"user_id": "joe"}]},
                                            "enable_graph": True})  # fmt: skip
    assert listed.status_code == 200, listed.content
    assert _triples(listed.json()["relations"]) == {
        ("joe", "lives_in", "paris"), ("emma", "works_at", "google"), ("joe", "likes", "tea"),
        ("emma", "likes", "chess"),
    }  # fmt: skip
    lived = next(r for r in listed.json()["relations"] if r["relationship"] == "lives_in")
    assert (lived["source_type"], lived["target_type"]) == ("person", "place")


def test_another_tenants_key_sees_no_relations(alice, charlie):
    _add(alice, "I live in Paris.", enable_graph=True)
    for path, body in (
        ("/v3/memories/search/", {"query": "Paris", "filters": {"user_id": "joe"}}),
        ("/v3/memories/", {"filters": {"user_id": "joe"}}),
    ):
        response = _post(charlie, path, {**body, "enable_graph": True})
        assert response.status_code == 200, response.content
        assert response.json()["relations"] == []
        assert _post(alice, path, {**body, "enable_graph": True}).json()["relations"]
    assert _post(charlie, "/v2/entities/user/joe/", {}).status_code == 405  # DELETE only
    assert charlie.client("Token").delete("/v2/entities/user/joe/").status_code == 404
    assert _current_edges(alice) == 1


def test_deleting_a_user_entity_retracts_its_edges(alice):
    _add(alice, "I live in Paris.", enable_graph=True)
    _post(alice, "/v1/graph/extract/llm-parse", {"response": "Relation: joe likes tea",
                                                 "user_id": "joe"})  # fmt: skip
    _add(alice, "I live in Rome.", user_id="kim", enable_graph=True)
    assert _current_edges(alice) == 2
    deleted = alice.client("Token").delete("/v2/entities/user/joe/")
    assert deleted.status_code == 200, deleted.content
    assert _current_edges(alice) == 0  # from its memories, and the one it has no memory of
    with tenant_scope(alice.tenant.pk):  # retracted, not erased (mem0's delete is no GDPR erasure)
        assert Relation.objects.filter(tenant=alice.tenant, user_id="joe").count() == 2
    listed = _post(alice, "/v3/memories/", {"filters": {"user_id": "joe"}, "enable_graph": True})
    assert listed.json()["relations"] == [] and listed.json()["count"] == 0
    assert _current_edges(alice, "kim") == 1  # another user's graph is untouched


def test_a_user_with_only_graph_edges_is_listed_and_deletable_and_an_unknown_one_is_404(
    alice, charlie
):
    _post(alice, "/v1/graph/extract/llm-parse", {"response": "Relation: lee likes tea",
                                                 "user_id": "lee"})  # fmt: skip
    _add(alice, "I live in Paris.", enable_graph=True)  # joe: memories and edges, listed once

    def users(actor):
        listed = actor.client("Token").get("/v1/entities/").json()["results"]
        return {e["name"]: e["total_memories"] for e in listed if e["type"] == "user"}

    listed = users(alice)
    assert list(listed) == ["joe", "lee"] and listed["lee"] == 0 and listed["joe"] >= 1
    assert "lee" not in users(charlie)
    assert alice.client("Token").delete("/v2/entities/user/lee/").status_code == 200
    assert _current_edges(alice, "lee") == 0
    assert "lee" not in users(alice)
    missing = alice.client("Token").delete("/v2/entities/user/nobody/")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "entity_not_found"


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_enable_graph_must_be_a_boolean(alice, value):
    for path, body in (
        ("/v3/memories/add/", {"messages": "hi", "user_id": "joe"}),
        ("/v3/memories/search/", {"query": "hi", "filters": {"user_id": "joe"}}),
        ("/v3/memories/", {"filters": {"user_id": "joe"}}),
    ):
        response = _post(alice, path, {**body, "enable_graph": value})
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"]["code"] == "invalid_input"
