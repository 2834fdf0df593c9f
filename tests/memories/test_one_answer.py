"""Issue 11, item 3, in search: a statement said twice with infer on is one turn and one fact,
and a search shows it once: a turn and the fact drawn from it never both take a place."""

from __future__ import annotations

ADD, SEARCH = "/v1/memory/add", "/v1/memory/search"
PEANUTS = "I'm allergic to peanuts."


def add(actor, text, **extra):
    body = {"user_id": "u1", "messages": text, "infer": True, **extra}
    response = actor.client().post(ADD, body, format="json")
    assert response.status_code == 200, response.content


def hits(actor, query):
    response = actor.client().post(SEARCH, {"user_id": "u1", "query": query, "limit": 10},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_statement_said_twice_is_one_hit(alice):
    add(alice, PEANUTS)
    add(alice, "My sister lives in Hangzhou.")
    add(alice, PEANUTS)
    found = hits(alice, "peanut allergy")
    about_peanuts = [h for h in found if "peanut" in h["memory"].lower()]
    assert len(about_peanuts) == 1, found
    assert about_peanuts[0]["mentions"] == 2
    sources = {s["message_id"] for h in found for s in h["sources"]}
    assert len(sources) == len({s["message_id"] for h in found for s in h["sources"]})


def test_a_turn_stands_for_the_facts_drawn_from_it(alice):
    add(alice, "I live in Beijing and I have a dog named Max.")
    found = hits(alice, "where do I live and what pet do I have")
    assert found
    turns = {s["message_id"] for h in found if h["kind"] == "turn" for s in h["sources"]}
    drawn = {s["message_id"] for h in found if h["kind"] != "turn" for s in h["sources"]}
    assert not turns & drawn, found
