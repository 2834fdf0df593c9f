from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.graph.models import Entity, EntityMerge, Relation

pytestmark = pytest.mark.django_db


def _post(actor, path, body):
    return actor.client().post(path, body, format="json")


def test_extract_stores_triples_in_the_reference_shape(alice, stub_extractor):
    response = _post(
        alice, "/v1/graph/extract", {"text": "Alice works at Google as a senior engineer."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["entities_added"] == 3
    assert [(t["subject"], t["predicate"], t["object"]) for t in body["triples"]] == [
        ("alice", "works_at", "google"),
        ("alice", "has_role", "senior_engineer"),
    ]
    again = _post(
        alice, "/v1/graph/extract", {"text": "Alice works at Google as a senior engineer."}
    )
    assert again.json()["entities_added"] == 0
    stats = alice.client().get("/v1/graph/stats").json()
    assert (stats["entity_count"], stats["relation_count"]) == (3, 2)


def test_chinese_traditional_and_simplified_are_one_entity(alice, stub_extractor):
    _post(alice, "/v1/graph/extract", {"text": "張偉在微軟工作。"})
    body = _post(alice, "/v1/graph/extract", {"text": "张伟住在北京。"}).json()
    assert body["entities_added"] == 1  # 北京 only: 张伟 is 張偉
    found = _post(alice, "/v1/graph/query", {"query": "张伟"}).json()
    assert len(found["entities"]) == 1
    assert {t["predicate"] for t in found["triples"]} == {"works_at", "lives_in"}
    assert (
        _post(alice, "/v1/graph/query", {"query": "微软"}).json()["entities"][0]["label"] == "微軟"
    )


def test_full_width_and_case_resolve_to_one_entity(alice):
    response = (
        "Entity: Alice (Person)\nRelation: Alice works_at Google\nRelation: ＡＬＩＣＥ likes tea"
    )
    body = _post(alice, "/v1/graph/extract/llm-parse", {"response": response}).json()
    assert body["entities_added"] == 3
    assert body["total_entities"] == 3 and body["total_relations"] == 2


def test_trigram_similar_latin_name_becomes_an_alias(alice):
    _post(
        alice,
        "/v1/graph/extract/llm-parse",
        {
            "response": "Entity: Jonathan Smithson (Person)\nEntity: Acme (Organization)\n"
            "Relation: Jonathan Smithson works_at Acme"
        },
    )
    body = _post(
        alice,
        "/v1/graph/extract/llm-parse",
        {"response": "Entity: Jonathan Smithsen (Person)\nRelation: Jonathan Smithsen likes tea"},
    ).json()
    assert body["entities_added"] == 1  # tea; the misspelt name is the same person
    with tenant_scope(alice.tenant.pk):
        person = Entity.objects.get(key="jonathan smithson")
        assert person.aliases == ["Jonathan Smithsen"]
        assert Entity.objects.filter(entity_type="Person").count() == 1


def test_a_newer_lives_in_closes_the_old_edge_and_history_shows_both(alice, stub_extractor):
    _post(alice, "/v1/graph/extract", {"text": "I live in Paris.", "user_id": "u1"})
    _post(alice, "/v1/graph/extract", {"text": "I moved to Berlin.", "user_id": "u1"})
    current = alice.client().get("/v1/graph/triples?user_id=u1").json()
    assert [(t["subject"], t["object"]) for t in current["triples"]] == [("u1", "berlin")]
    everything = alice.client().get("/v1/graph/triples?user_id=u1&include_history=true").json()
    assert everything["count"] == 2
    paris = next(t for t in everything["triples"] if t["object"] == "paris")
    assert paris["valid_to"] is not None
    entity_id = _post(alice, "/v1/graph/query", {"query": "u1"}).json()["entities"][0]["entity_id"]
    history = alice.client().get(f"/v1/graph/entities/{entity_id}/history").json()
    assert [(h["object"], h["current"]) for h in history["history"]] == [
        ("paris", False),
        ("berlin", True),
    ]
    stats = alice.client().get("/v1/graph/stats?user_id=u1").json()
    assert stats["relation_count"] == 1 and stats["closed_relation_count"] == 1


def _parse(actor, text, user_id=""):
    return _post(actor, "/v1/graph/extract/llm-parse", {"response": text, "user_id": user_id})


def _entity_id(actor, label):
    return _post(actor, "/v1/graph/query", {"query": label}).json()["entities"][0]["entity_id"]


def test_merge_repoints_edges_and_undo_restores_them(alice):
    _parse(
        alice,
        "Entity: Bob (Person)\nEntity: Robert (Person)\n"
        "Relation: Bob works_at Acme\nRelation: Carol friend_of Robert",
    )
    bob, robert = _entity_id(alice, "bob"), _entity_id(alice, "robert")
    merged = _post(alice, "/v1/graph/entities/merge", {"entity_id": robert, "into_id": bob})
    assert merged.status_code == 200, merged.content
    assert merged.json()["aliases_moved"] == ["Robert"]
    assert merged.json()["relations_repointed"] == 1
    found = _post(alice, "/v1/graph/query", {"query": "Robert"}).json()
    assert [e["entity_id"] for e in found["entities"]] == [bob]
    assert {(t["subject"], t["object"]) for t in found["triples"]} == {
        ("bob", "acme"),
        ("carol", "bob"),
    }
    assert alice.client().get("/v1/graph/stats").json()["merge_count"] == 1
    again = _post(alice, "/v1/graph/entities/merge", {"entity_id": robert, "into_id": bob})
    assert again.status_code == 409 and again.json()["error"]["code"] == "entity_merged"

    undone = _post(alice, f"/v1/graph/merges/{merged.json()['merge_id']}/undo", {})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    found = _post(alice, "/v1/graph/query", {"query": "Robert"}).json()
    assert [e["entity_id"] for e in found["entities"]] == [robert]
    assert [(t["subject"], t["object"]) for t in found["triples"]] == [("carol", "robert")]
    with tenant_scope(alice.tenant.pk):
        assert Entity.objects.get(pk=bob).aliases == []
    twice = _post(alice, f"/v1/graph/merges/{merged.json()['merge_id']}/undo", {})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "merge_already_undone"


def test_path_follows_edges_bounded_and_safe_in_cycles(alice):
    _parse(
        alice,
        "Relation: A friend_of B\nRelation: B friend_of C\nRelation: C friend_of A\n"
        "Relation: C works_at D\nRelation: D located_in E",
    )
    path = _post(alice, "/v1/graph/path", {"from": "A", "to": "D", "max_depth": 3}).json()
    assert path == {
        "paths": [["a", "friend_of", "b", "friend_of", "c", "works_at", "d"]],
        "count": 1,
    }
    assert _post(alice, "/v1/graph/path", {"from": "A", "to": "E", "max_depth": 3}).json() == {
        "paths": [],
        "count": 0,
    }
    assert (
        _post(alice, "/v1/graph/path", {"from": "A", "to": "E", "max_depth": 4}).json()["count"]
        == 1
    )
    back = _post(
        alice, "/v1/graph/path", {"from": "D", "to": "C", "max_depth": 2, "direction": "both"}
    ).json()
    assert back["paths"][0] == ["d", "~works_at", "c"]
    # a cycle back to the start is not walked forever; a path to itself has no edge
    assert (
        _post(alice, "/v1/graph/path", {"from": "A", "to": "A", "max_depth": 6}).json()["count"]
        == 0
    )


def test_triples_are_paginated(alice):
    _parse(alice, "\n".join(f"Relation: P{i} likes T{i}" for i in range(5)))
    page = alice.client().get("/v1/graph/triples?limit=2&offset=2").json()
    assert page["count"] == 5 and [t["subject"] for t in page["triples"]] == ["p2", "p3"]


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/v1/graph/extract", {"text": ""}, "invalid_request"),
        ("/v1/graph/extract", {"text": 5}, "invalid_request"),
        ("/v1/graph/query", {}, "invalid_request"),
        ("/v1/graph/path", {"from": "a", "to": "b", "max_depth": 7}, "invalid_request"),
        ("/v1/graph/path", {"from": "a", "to": "b", "max_depth": "3"}, "invalid_request"),
        ("/v1/graph/path", {"from": "a", "to": "b", "direction": "up"}, "invalid_request"),
        ("/v1/graph/entities/merge", {"entity_id": 1, "into_id": 1}, "merge_same_entity"),
        ("/v1/graph/entities/merge", {"entity_id": 999999, "into_id": 999998}, "entity_not_found"),
        ("/v1/graph/merges/999999/undo", {}, "merge_not_found"),
    ],
)
def test_bad_input_is_a_4xx_in_the_envelope(alice, path, body, code):
    response = _post(alice, path, body)
    assert 400 <= response.status_code < 500, response.content
    error = response.json()["error"]
    assert error["code"] == code or (code == "invalid_request" and response.status_code == 400)


def test_bad_query_parameters_are_400(alice):
    assert alice.client().get("/v1/graph/triples?limit=0").status_code == 400
    assert alice.client().get("/v1/graph/triples?offset=x").status_code == 400
    assert alice.client().get("/v1/graph/entities/999999/history").status_code == 404


def test_a_key_without_the_graph_scope_is_refused(bob):
    response = _post(bob, "/v1/graph/query", {"query": "x"})
    assert response.status_code == 403


def test_prompt_returns_the_text_without_calling_anything(alice):
    body = _post(alice, "/v1/graph/extract/llm-prompt", {"text": "Alice works at Google."}).json()
    assert body["prompt"].startswith("Extract entities and relations")
    assert "Alice works at Google." in body["prompt"]
    with tenant_scope(alice.tenant.pk):
        assert not Relation.objects.exists() and not EntityMerge.objects.exists()


def test_a_walk_past_its_time_limit_is_a_422_not_a_hang(alice, settings):
    nodes = [f"N{i}" for i in range(12)]
    lines = [f"Relation: {a} friend_of {b}" for a in nodes for b in nodes if a != b]
    _parse(alice, "\n".join([*lines, "Entity: Island (Place)"]))
    settings.GRAPH_PATH_TIMEOUT_MS = 50
    response = _post(alice, "/v1/graph/path", {"from": "N0", "to": "Island", "max_depth": 6})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "path_search_too_costly"
    # the request's transaction is usable afterwards: the next request answers
    assert (
        _post(alice, "/v1/graph/path", {"from": "N0", "to": "N1", "max_depth": 1}).json()["count"]
        == 1
    )


def test_between_equally_similar_names_the_one_linked_to_the_same_context_wins(alice, settings):
    settings.GRAPH_TRIGRAM_THRESHOLD = 1.0  # two people whose names differ by a letter
    _parse(alice, "Entity: Alexandra Morgan (Person)\nEntity: Alexandra Morgen (Person)\n"
                  "Relation: Alexandra Morgan works_at Acme\n"
                  "Relation: Alexandra Morgen works_at Globex")  # fmt: skip
    settings.GRAPH_TRIGRAM_THRESHOLD = 0.6
    _parse(alice, "Entity: Globex (Organization)\nEntity: Alexandra Morgun (Person)\n"
                  "Relation: Alexandra Morgun likes tea")  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        assert Entity.objects.get(key="alexandra morgen").aliases == ["Alexandra Morgun"]
        assert Entity.objects.get(key="alexandra morgan").aliases == []


def test_an_llm_response_without_a_parsable_line_merges_nothing(alice):
    response = _post(alice, "/v1/graph/extract/llm-parse", {"response": "nothing here"})
    assert response.status_code == 200, response.content
    assert response.json()["entities_added"] == 0 and response.json()["triples"] == []
