"""/v1/graph/extract with the rule extractor (apps.graph.extraction), English and Chinese."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _extract(actor, text, user_id="u1"):
    response = actor.client().post("/v1/graph/extract", {"text": text, "user_id": user_id},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()


def _triples(body):
    return [(t["subject"], t["predicate"], t["object"]) for t in body["triples"]]


def test_english_sentence_in_the_reference_shape(alice):
    body = _extract(alice, "Alice works at Google as a senior engineer.", user_id="")
    assert body["entities_added"] == 3
    assert _triples(body) == [("alice", "works_at", "google"),
                              ("alice", "has_role", "senior_engineer")]  # fmt: skip


def test_the_speaker_is_the_users_own_entity(alice):
    assert _triples(_extract(alice, "I live in Paris.")) == [("u1", "lives_in", "paris")]
    assert _triples(_extract(alice, "I live in Lyon.", user_id="u2")) == [
        ("u2", "lives_in", "lyon")
    ]
    found = alice.client().post("/v1/graph/query", {"query": "u1"}, format="json").json()
    assert [e["entity_type"] for e in found["entities"]] == ["Person"]


def test_chinese_contradiction_closes_the_old_edge(alice):
    assert _triples(_extract(alice, "我住在北京。")) == [("u1", "lives_in", "北京")]
    assert _triples(_extract(alice, "我搬到上海了。")) == [("u1", "lives_in", "上海")]
    current = alice.client().get("/v1/graph/triples?user_id=u1").json()
    assert _triples(current) == [("u1", "lives_in", "上海")]
    history = alice.client().get("/v1/graph/triples?user_id=u1&include_history=true").json()
    assert history["count"] == 2


def test_traditional_chinese_finds_the_simplified_entity(alice):
    _extract(alice, "我在微軟工作。")
    found = alice.client().post("/v1/graph/query", {"query": "微软"}, format="json").json()
    assert len(found["entities"]) == 1
    assert _triples(found) == [("u1", "works_at", "微软")]
    traditional = alice.client().post("/v1/graph/query", {"query": "微軟"}, format="json").json()
    assert traditional["entities"] == found["entities"]


def test_english_contradiction_and_history(alice):
    _extract(alice, "I live in Paris.")
    _extract(alice, "I live in Berlin.")
    _extract(alice, "I live in Berlin.")  # the same fact again: no new edge
    history = alice.client().get("/v1/graph/triples?user_id=u1&include_history=true").json()
    assert [(t["object"], t["valid_to"] is None) for t in history["triples"]] == [
        ("paris", False),
        ("berlin", True),
    ]


def test_a_sentence_with_nothing_to_extract_stores_nothing(alice):
    assert _extract(alice, "What a lovely day.") == {
        "entities_added": 0,
        "triples": [],
        "extractor": "rules",
    }
    assert alice.client().get("/v1/graph/stats").json()["entity_count"] == 0
