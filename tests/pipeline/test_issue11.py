"""Issue 11, items 4 and 5, through the real pipeline (adds with infer, the offline rules): an
update a user would call correct, one fact per clause, retractions across languages, and
what is said of someone else staying theirs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from tests.pipeline.test_pipeline import add, decisions, facts


def keys(actor, user="u1"):
    with tenant_scope(actor.tenant.pk):
        return sorted(Memory.objects.filter(tenant=actor.tenant, user_id=user, status="activated")
                      .exclude(kind__in=["turn", "qa"]).values_list("slot", flat=True))  # fmt: skip


def test_a_move_updates_the_residence_with_its_date_and_history_keeps_the_old_one(alice):
    first = add(alice, "I live in Beijing with my wife and two kids.")
    [home] = [m for m in first["results"] if m["kind"] == "place"]
    with tenant_scope(alice.tenant.pk):
        assert (
            Memory.objects.get(pk=home["id"]).key == "place: Beijing"
        )  # not "Beijing with my wife"
    second = add(
        alice, "Big news: we moved to Shanghai last month! the kids love the new school 😄"
    )
    assert decisions(alice, second["batch_id"])[0]["event"] == "UPDATE"
    month = (timezone.now().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    [value] = [v for k, v in facts(alice) if k == "place"]
    assert value == f"we moved to Shanghai last month ({month})!"
    assert not any("Beijing" in v for _, v in facts(alice))
    with tenant_scope(alice.tenant.pk):
        moved = Memory.objects.get(pk=home["id"])
        assert (moved.status, moved.key) == ("activated", "place: Shanghai")
        assert moved.occurred_at.strftime("%Y-%m") == month
    history = alice.client().get(f"/v1/memory/{home['id']}/history").json()
    assert [h["event"] for h in history] == ["ADD", "UPDATE"]
    assert history[1]["old_memory"] == "I live in Beijing with my wife and two kids."
    assert "Shanghai" in history[1]["new_memory"]


def test_each_clause_of_a_compound_sentence_is_its_own_fact(alice):
    add(alice, "I live in Beijing and I have a dog named Max")
    assert facts(alice) == [("place", "I live in Beijing"), ("family", "I have a dog named Max")]
    add(alice, "My sister lives in Hangzhou and I love jazz", user="u2")
    assert facts(alice, "u2") == [("family", "My sister lives in Hangzhou"),
                                  ("preference", "I love jazz")]  # fmt: skip


def test_a_retraction_in_the_other_language_ends_the_fact(alice):
    add(alice, "I work at Tencent")
    body = add(alice, "我已经不在腾讯工作了")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["DELETE"]
    assert facts(alice) == []
    add(alice, "我在腾讯工作", user="u2")
    body = add(alice, "I don't work at Tencent anymore", user="u2")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["DELETE"]
    assert facts(alice, "u2") == []


def test_what_is_said_of_a_daughter_is_not_the_users_identity(alice):
    add(alice, "我女儿叫朵朵。")
    add(alice, "她今年五岁")
    add(alice, "我女儿叫朵朵，她今年五岁", user="u2")
    for user in ("u1", "u2"):
        assert not [k for k in keys(alice, user) if k.startswith("identity:")]
        assert keys(alice, user) == ["family:女儿"]


def test_leaving_one_employer_for_another_is_one_update(alice):
    add(alice, "I work at Google.")
    body = add(alice, "I left Google and joined Stripe last month.")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["UPDATE"]
    [(kind, value)] = facts(alice)
    assert kind == "job" and value.startswith("joined Stripe last month")


def test_a_turn_with_no_fact_that_names_a_known_one_restates_or_ends_it(alice):
    add(alice, "I have a cat named Luna.")
    body = add(alice, "luna is sleeping on my keyboard again lol")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["NOOP"]
    assert facts(alice) == [("family", "I have a cat named Luna.")]
    add(alice, "I hate cilantro.", user="u2")
    body = add(alice, "cilantro is the worst, I really hate it", user="u2")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["NOOP"]


def test_a_relationship_that_moves_on_updates_the_partner(alice):
    add(alice, "I have a boyfriend named Chris.")
    body = add(alice, "Chris and I got married last weekend, so he's officially my husband now!")
    assert decisions(alice, body["batch_id"])[0]["event"] == "UPDATE"
    assert keys(alice) == ["family:partner"]
