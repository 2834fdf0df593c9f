"""/v1/graph/extract with an LLM (GRAPH_LLM_EXTRACT on): validated JSON, the rules when the
LLM fails or answers something else, and no call at all by default."""

from __future__ import annotations

import json

import pytest

from tests.llm_server import Reply

pytestmark = pytest.mark.django_db

TEXT = "Alice works at Google as a senior engineer."


def _extract(actor, text=TEXT):
    response = actor.client().post("/v1/graph/extract", {"text": text, "user_id": "u1"},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()


def test_no_llm_call_by_default(alice, llm):
    body = _extract(alice)
    assert body["extractor"] == "rules" and llm.requests == []


def test_the_llms_validated_relations_are_stored(alice, llm, settings):
    settings.GRAPH_LLM_EXTRACT = True
    llm.script(Reply(content=json.dumps({"relations": [
        {"subject": "Alice", "subject_type": "Person", "predicate": "works_at",
         "object": "Google", "object_type": "Organization"},
        {"subject": "Alice", "subject_type": "Person", "predicate": "hates", "object": "Mondays"},
        {"subject": "", "predicate": "likes", "object": "tea"},
        {"subject": "USER", "subject_type": "Alien", "predicate": "likes", "object": "Alice"},
    ]})))  # fmt: skip
    body = _extract(alice)
    assert body["extractor"] == "llm"
    assert [(t["subject"], t["predicate"], t["object"]) for t in body["triples"]] == [
        ("alice", "works_at", "google"),
        ("u1", "likes", "alice"),
    ]
    assert llm.requests[0]["body"]["response_format"] == {"type": "json_object"}


def test_a_failing_llm_falls_back_to_the_rules(alice, llm, settings):
    settings.GRAPH_LLM_EXTRACT = True
    llm.script(Reply(content="not json"), Reply(status=500))
    body = _extract(alice)
    assert body["extractor"] == "rules"
    assert ("alice", "works_at", "google") in [
        (t["subject"], t["predicate"], t["object"]) for t in body["triples"]
    ]
    assert len(llm.requests) == 2  # LLM_MAX_RETRIES is 1 in the fixture
