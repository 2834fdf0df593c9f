"""Issue 11, item 3 through the mem0 and MemOS paths: their listings show one entry per piece of
information by default (the facts, and the turns no fact was drawn from), and `view` asks for
facts, turns or all."""

from __future__ import annotations

import pytest

PEANUTS = "I'm allergic to peanuts."
OPENMEM = "/api/openmem/v1"


def mem0_add(actor, messages, **extra):
    body = {"messages": messages, "user_id": "ann", **extra}
    response = actor.client("Token").post("/v3/memories/add/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def mem0_list(actor, **extra):
    body = {"filters": {"user_id": "ann"}, **extra}
    response = actor.client("Token").post("/v3/memories/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_mem0_get_all_shows_the_fact_once_and_not_the_turn_it_came_from(alice):
    mem0_add(alice, PEANUTS)
    again = mem0_add(alice, PEANUTS)
    # the repeated statement: no new memory, the turn it repeats with its count
    assert [(r["memory"], r["event"], r["mentions"]) for r in again] == [(PEANUTS, "NOOP", 2)]

    listed = mem0_list(alice)
    [fact] = listed["results"]
    assert listed["count"] == 1 and fact["memory"].startswith("I'm allergic to peanuts")
    assert fact["mentions"] == 2
    assert [m["memory"] for m in mem0_list(alice, view="turns")["results"]] == [PEANUTS]
    assert mem0_list(alice, view="all")["count"] == 2
    assert mem0_list(alice, view="facts")["results"] == listed["results"]


def test_mem0_get_all_with_infer_off_still_shows_the_stored_messages(alice):
    mem0_add(alice, ["I live in Hangzhou", "My sister lives in Shanghai"], infer=False)
    mem0_add(alice, "I live in Hangzhou", infer=False)
    results = mem0_list(alice)["results"]
    assert sorted((m["memory"], m["mentions"]) for m in results) == [
        ("I live in Hangzhou", 2), ("My sister lives in Shanghai", 1)]  # fmt: skip
    assert mem0_list(alice, view="facts")["count"] == 0


@pytest.mark.parametrize("view", ["fact", "", None, 3, ["facts"]])
def test_a_bad_view_is_a_400_in_the_envelope(alice, view):
    for path, body in (("/v3/memories/", {"filters": {"user_id": "ann"}}),
                       (f"{OPENMEM}/get/memory", {"user_id": "ann"}),
                       ("/product/get_all", {"user_id": "ann"}),
                       ("/product/get_memory", {"mem_cube_id": "ann"})):  # fmt: skip
        response = alice.client("Token").post(path, {**body, "view": view}, format="json")
        assert response.status_code == 400, (path, response.content)
        assert "view" in str(response.json()["error"]), path


def test_memos_listings_are_distilled_by_default(alice):
    for _ in range(2):
        added = alice.client().post(f"{OPENMEM}/add/message", {
            "user_id": "ann", "async_mode": False,
            "messages": [{"role": "user", "content": PEANUTS}]}, format="json")  # fmt: skip
        assert added.status_code == 200, added.content

    cloud = alice.client().post(f"{OPENMEM}/get/memory", {"user_id": "ann"}, format="json")
    [detail] = cloud.json()["data"]["memory_detail_list"]
    assert detail["memory_value"].startswith("I'm allergic to peanuts") and detail["mentions"] == 2
    assert len(detail["sources"]) == 2
    turns = alice.client().post(f"{OPENMEM}/get/memory", {"user_id": "ann", "view": "turns"},
                                format="json").json()["data"]  # fmt: skip
    assert [d["memory_value"] for d in turns["memory_detail_list"]] == [PEANUTS]

    product = alice.client().post("/product/get_all", {"user_id": "ann"}, format="json")
    [cube] = product.json()["data"]
    assert [m["metadata"]["type"] for m in cube["memories"]] == ["health"]  # the fact only
    assert cube["memories"][0]["metadata"]["mentions"] == 2
    page = alice.client().post("/product/get_memory", {"mem_cube_id": "ann", "view": "all"},
                               format="json").json()["data"]["text_mem"][0]  # fmt: skip
    assert page["total"] == 2
