"""Issue 11, item 1: context borrowed from a neighbouring turn helps inside one conversation
(a reply is found by the question it answers) and must never let an unrelated earlier add take
the place of the memory that holds the query's own words."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory

ADD, SEARCH = "/v1/memory/add", "/v1/memory/search"
FOUR = [
    "My name is Alice and I work as a data scientist at a bank in Berlin.",
    "我喜欢草莓，但是不吃辣的东西。",
    "I am allergic to peanuts.",
    "周末我经常去西湖边跑步。",
]


def first_hit(actor, query, **body):
    response = actor.client().post(SEARCH, {"user_id": "u1", "query": query, **body},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()["results"][0]["memory"]


def test_separate_adds_do_not_borrow_each_others_context(alice):
    for text in FOUR:
        response = alice.client().post(ADD, {"user_id": "u1", "messages": text}, format="json")
        assert response.status_code == 200
    assert first_hit(alice, "草莓") == FOUR[1]
    assert first_hit(alice, "peanuts") == FOUR[2]
    assert first_hit(alice, "西湖 跑步") == FOUR[3]
    with tenant_scope(alice.tenant.pk):
        assert set(Memory.objects.values_list("embed_context", flat=True)) == {""}


def test_a_reply_keeps_the_question_it_answers_within_a_conversation(alice):
    body = {"user_id": "u1", "conversation_id": "c1",
            "messages": [{"role": "assistant", "content": "Do you still play the cello?"},
                         {"role": "user", "content": "Every Sunday, with my neighbour."}]}  # fmt: skip
    assert alice.client().post(ADD, body, format="json").status_code == 200
    later = {"user_id": "u1", "conversation_id": "c1",
             "messages": [{"role": "user", "content": "Yes, since last May."}]}  # fmt: skip
    assert alice.client().post(ADD, later, format="json").status_code == 200
    with tenant_scope(alice.tenant.pk):
        contexts = dict(Memory.objects.values_list("value", "embed_context"))
    assert contexts["Every Sunday, with my neighbour."] == "Do you still play the cello?"
    # the same conversation, a moment later: still a neighbour
    assert contexts["Yes, since last May."] == "Every Sunday, with my neighbour."


def test_within_one_conversation_the_memory_with_the_query_words_comes_first(alice):
    """The four sentences said in one conversation: each turn after the first is embedded and
    indexed with the one before it, and still a search for a sentence's own words finds that
    sentence first, not the turn that borrowed it as context."""
    body = {"user_id": "u1", "conversation_id": "c1",
            "messages": [{"role": "user", "content": text} for text in FOUR]}  # fmt: skip
    assert alice.client().post(ADD, body, format="json").status_code == 200
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(value=FOUR[2]).embed_context == FOUR[1]
    assert first_hit(alice, "草莓") == FOUR[1]
    assert first_hit(alice, "I like strawberries") == FOUR[1]
    assert first_hit(alice, "peanuts") == FOUR[2]
    assert first_hit(alice, "data scientist Berlin") == FOUR[0]
    assert first_hit(alice, "西湖 跑步") == FOUR[3]


def test_the_turn_a_neighbour_borrowed_moves_up_before_it():
    from types import SimpleNamespace

    from apps.memories.selectors.rerank import owners_before_borrowers

    owner = SimpleNamespace(value="我喜欢草莓，但是不吃辣的东西。", embed_context="")
    borrower = SimpleNamespace(value="I am allergic to peanuts.", embed_context=owner.value)
    other = SimpleNamespace(value="草莓 jam", embed_context="")
    rows = {"b": borrower, "o": owner, "x": other}
    pool = [("b", 1.0), ("x", 0.9), ("o", 0.8)]
    never = lambda ids: pytest.fail("no tie to break")  # noqa: E731
    assert [m for m, _ in owners_before_borrowers(pool, rows, ["草莓"], never)] == ["o", "b", "x"]
    # the borrower holds the query's words itself: it stays where it is
    assert owners_before_borrowers(pool, rows, ["peanut"], never) == pool
    # neither holds a query word (another language): the own-text similarity decides
    assert (
        owners_before_borrowers(pool, rows, ["strawberri"], lambda ids: {"o": 0.6, "b": 0.2})[0][0]
        == "o"
    )
    assert (
        owners_before_borrowers(pool, rows, ["allergi"], lambda ids: {"o": 0.1, "b": 0.5}) == pool
    )
