"""Issue 11, item 3 ("one answer per fact"): a statement made again is one memory with a mention
count and every source kept, and a listing can ask for facts, turns, both, or one entry per piece
of information."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory, Message
from apps.memories.services import turns as turn_services
from apps.memories.text import is_statement, turn_normal

ADD, LIST = "/v1/memory/add", "/v1/memory"
PEANUTS = "I'm allergic to peanuts."


def add(actor, messages, user="u1", **extra):
    body = {"user_id": user, "messages": messages, **extra}
    response = actor.client().post(ADD, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def turns(actor, user="u1"):
    with tenant_scope(actor.tenant.pk):
        return list(Memory.objects.filter(tenant=actor.tenant, user_id=user, kind="turn",
                                          status="activated").order_by("created_at"))  # fmt: skip


def message_ids(actor, user="u1"):
    with tenant_scope(actor.tenant.pk):
        return list(Message.objects.filter(tenant=actor.tenant, user_id=user)
                    .order_by("id").values_list("id", flat=True))  # fmt: skip


def listed(actor, view=None, user="u1"):
    query = f"{LIST}?user_id={user}" + (f"&view={view}" if view else "")
    response = actor.client().get(query)
    assert response.status_code == 200, response.content
    return sorted((m["kind"], m["memory"].split(" (")[0]) for m in response.json()["results"])


def test_the_issue_example_is_one_turn_and_one_fact_each_said_twice(alice):
    first = add(alice, PEANUTS, infer=True)
    second = add(alice, PEANUTS, infer=True)
    both = message_ids(alice)
    assert len(both) == 2  # raw turns are never lost

    [turn] = turns(alice)
    assert turn.mentions == 2
    assert [s["message_id"] for s in turn.sources] == both
    with tenant_scope(alice.tenant.pk):
        [fact] = Memory.objects.filter(tenant=alice.tenant, user_id="u1").exclude(kind="turn")
    assert fact.mentions == 2 and [s["message_id"] for s in fact.sources] == both

    # the first add made the turn; the second answers with it, counted again
    assert {(r["kind"], r["event"]) for r in first["results"]} == {("turn", "ADD"),
                                                                    (fact.kind, "ADD")}  # fmt: skip
    [again] = second["results"]
    assert (again["id"], again["event"], again["mentions"]) == (str(turn.pk), "NOOP", 2)
    assert [s["message_id"] for s in again["sources"]] == both

    got = alice.client().get(f"/v1/memory/{fact.pk}").json()
    assert got["mentions"] == 2 and len(got["sources"]) == 2


def test_each_view_lists_what_it_names(alice):
    add(alice, PEANUTS, infer=True)
    add(alice, PEANUTS, infer=True)
    add(alice, "What a lovely afternoon it was", infer=True)  # nothing to extract
    with tenant_scope(alice.tenant.pk):
        fact = Memory.objects.filter(tenant=alice.tenant).exclude(kind="turn").get()
    fact_row = (fact.kind, PEANUTS)
    lovely = ("turn", "What a lovely afternoon it was")

    assert listed(alice, "facts") == [fact_row]
    assert listed(alice, "turns") == sorted([("turn", PEANUTS), lovely])
    assert listed(alice, "distilled") == sorted([fact_row, lovely])
    assert listed(alice, "all") == listed(alice) == sorted([fact_row, ("turn", PEANUTS), lovely])

    # a fact drawn from a turn hides it even once deleted: the user asked for it gone
    assert alice.client().delete(f"/v1/memory/{fact.pk}").status_code == 200
    assert listed(alice, "distilled") == [lovely]
    assert listed(alice, "turns") == sorted([("turn", PEANUTS), lovely])


def test_a_fact_drawn_from_a_later_repeat_hides_the_turn_too(alice):
    add(alice, PEANUTS)  # infer off: a turn only
    assert listed(alice, "distilled") == [("turn", PEANUTS)]
    add(alice, "i'm allergic to PEANUTS!", infer=True)  # the same, said again, with infer
    [turn] = turns(alice)
    assert turn.mentions == 2
    [(kind, _)] = listed(alice, "distilled")
    assert kind == "health"  # the fact, drawn from the second message only


@pytest.mark.parametrize("text", ["ok", "yes", "Thanks!", "哈哈", "好的好的", "哈哈哈哈哈"])
def test_short_replies_are_not_statements_and_stay_apart(alice, text):
    add(alice, text)
    add(alice, text)
    assert [t.mentions for t in turns(alice)] == [1, 1]


SAME = ["  I'M allergic\tto  peanuts!!", "i’m allergic to peanuts", "I'm allergic to peanuts…",
        "Ｉ'ｍ ａｌｌｅｒｇｉｃ ｔｏ ｐｅａｎｕｔｓ。"]  # fmt: skip


def test_what_counts_as_the_same_statement(db):
    # in PostgreSQL (how a repeat is found) and in Python (the same normal form)
    assert len(set(turn_services._repeat_keys(SAME))) == 1
    assert len({turn_normal(t) for t in SAME}) == 1
    assert turn_services._repeat_keys(["我喜欢草莓。", "我喜欢草莓", "我喜欢草莓吗"])[:2] == (
        turn_services._repeat_keys(["我喜欢草莓", "我喜欢草莓"]))  # fmt: skip
    assert len(set(turn_services._repeat_keys([PEANUTS, "I'm allergic to peanut"]))) == 2
    assert is_statement(PEANUTS) and is_statement("我喜欢草莓") and is_statement("I love coffee")
    assert not any(map(is_statement, ["ok", "Thank you!", "好的谢谢", "哈哈哈哈", "没问题啊"]))


def test_the_repeat_lookup_uses_the_index_of_migration_0011(alice):
    # On an empty table the planner may take any index; give it a table like the one the index
    # is for (many users' turns, analysed) so the choice says whether the query can use it.
    migration = importlib.import_module("apps.memories.migrations.0011_turn_repeat_index")
    assert migration.NORMAL_SQL == turn_services.NORMAL_SQL
    tenant = alice.tenant
    with tenant_scope(tenant.pk):
        Memory.objects.bulk_create(
            Memory(tenant=tenant, user_id=f"u{i % 200}", kind="turn", value=f"statement {i}")
            for i in range(4000)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE memories_memory")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM memories_memory WHERE tenant_id = %s AND user_id = 'u7' "
            f"AND kind = 'turn' AND status = 'activated' "
            f"AND {turn_services.REPEAT_KEY} = ANY(ARRAY['x'])",
            [tenant.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert migration.INDEX in plan, plan


def test_a_statement_answering_a_question_keeps_its_own_context(alice):
    add(alice, PEANUTS)
    add(alice, [{"role": "assistant", "content": "Do you have any food allergies?"},
                {"role": "user", "content": PEANUTS}])  # fmt: skip
    peanuts = [t for t in turns(alice) if t.value == PEANUTS]
    assert sorted(t.embed_context for t in peanuts) == ["", "Do you have any food allergies?"]
    assert [t.mentions for t in peanuts] == [1, 1]
    # the same exchange again: each turn has the same neighbour, so each is a repeat
    again = add(alice, [{"role": "assistant", "content": "Do you have any food allergies?"},
                        {"role": "user", "content": PEANUTS}])  # fmt: skip
    assert [r["event"] for r in again["results"]] == ["NOOP", "NOOP"]
    assert len(turns(alice)) == 3


def test_another_agent_another_role_or_a_deleted_turn_is_not_repeated(alice):
    add(alice, PEANUTS)
    add(alice, PEANUTS, agent_id="bot")
    add(alice, [{"role": "assistant", "content": PEANUTS}])
    assert [t.mentions for t in turns(alice)] == [1, 1, 1]
    first = turns(alice)[0]
    assert alice.client().delete(f"/v1/memory/{first.pk}").status_code == 200
    add(alice, PEANUTS)
    assert len(turns(alice)) == 3 and all(t.mentions == 1 for t in turns(alice))


def test_a_repeat_inside_one_add_is_one_memory(alice):
    question = "Do you have any food allergies?"
    exchange = [{"role": "assistant", "content": question}, {"role": "user", "content": PEANUTS}]
    body = add(alice, exchange + exchange)
    # the second answer has the same neighbour (the question) as the first: a repeat; the second
    # question follows the answer, not nothing, so it stays its own turn
    assert [(r["memory"], r["event"], r["mentions"]) for r in body["results"]] == [
        (question, "ADD", 1), (PEANUTS, "ADD", 2), (question, "ADD", 1)]  # fmt: skip
    assert len(body["message_ids"]) == 4
    [peanuts] = [t for t in turns(alice) if t.value == PEANUTS]
    assert [s["message_id"] for s in peanuts.sources] == [body["message_ids"][1],
                                                           body["message_ids"][3]]  # fmt: skip


def test_a_retried_add_replays_without_counting_twice(alice):
    add(alice, PEANUTS, event_id="ev-1")
    second = add(alice, PEANUTS, event_id="ev-2")
    response = alice.client().post(ADD, {"user_id": "u1", "messages": PEANUTS,
                                         "event_id": "ev-2"}, format="json")  # fmt: skip
    assert response.status_code == 200 and response["Idempotent-Replayed"] == "true"
    replayed = response.json()
    [turn] = turns(alice)
    assert turn.mentions == 2 and len(turn.sources) == 2
    assert replayed["results"] == second["results"]
    assert replayed["results"][0]["event"] == "NOOP"


def test_async_add_collapses_too(alice):
    add(alice, PEANUTS, infer=True)
    add(alice, PEANUTS, infer=True, async_mode="async")
    [turn] = turns(alice)
    assert turn.mentions == 2


@pytest.mark.parametrize("view", ["fact", "FACTS", "everything", "all,facts"])
def test_a_bad_view_is_a_400_in_the_envelope(alice, view):
    response = alice.client().get(f"{LIST}?user_id=u1&view={view}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "view" in error["details"]
