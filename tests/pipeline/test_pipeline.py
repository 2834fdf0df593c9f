"""The pipeline through the API: extraction with infer, reconciliation with versions, the batch
record, and the LLM path against a local OpenAI-compatible server."""

from __future__ import annotations

import json

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Memory, MemoryVersion
from tests.llm_server import Reply


def add(actor, content, user="u1", **extra):
    body = {"user_id": user, "messages": content, "infer": True, **extra}
    response = actor.client().post("/v1/memory/add", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def facts(actor, user="u1"):
    with tenant_scope(actor.tenant.pk):
        return list(Memory.objects.filter(tenant=actor.tenant, user_id=user,
                                          status="activated").exclude(kind__in=["turn", "qa"])
                    .order_by("created_at").values_list("kind", "value"))  # fmt: skip


def decisions(actor, batch_id):
    with tenant_scope(actor.tenant.pk):
        return AddBatch.objects.get(pk=batch_id).decisions


def test_infer_keeps_the_turn_and_adds_the_fact(alice):
    body = add(alice, "I live in Beijing")
    kinds = sorted(m["kind"] for m in body["results"])
    assert kinds == ["place", "turn"]
    assert facts(alice) == [("place", "I live in Beijing")]
    assert decisions(alice, body["batch_id"])[0]["event"] == "ADD"


def test_a_newer_fact_updates_the_older_one_and_history_shows_it(alice):
    first = add(alice, "I live in Beijing")
    fact_id = next(m["id"] for m in first["results"] if m["kind"] == "place")
    second = add(alice, "I just moved to Shanghai last month")
    assert [d["event"] for d in decisions(alice, second["batch_id"])] == ["UPDATE"]
    [(kind, value)] = facts(alice)
    assert kind == "place" and value.startswith("I just moved to Shanghai last month (")
    history = alice.client().get(f"/v1/memory/{fact_id}/history").json()
    assert [h["event"] for h in history] == ["ADD", "UPDATE"]
    assert history[1]["old_memory"] == "I live in Beijing"


def test_chinese_update_retraction_and_duplicate(alice):
    add(alice, "我在腾讯工作")
    body = add(alice, "我在腾讯工作")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["NOOP"]
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(tenant=alice.tenant, kind="job").mentions == 2
    body = add(alice, "我已经不在腾讯工作了")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["DELETE"]
    assert facts(alice) == []
    with tenant_scope(alice.tenant.pk):
        deleted = Memory.objects.get(tenant=alice.tenant, kind="job")
        assert deleted.status == "deleted"
        assert MemoryVersion.objects.filter(memory=deleted, event="DELETE").count() == 1


def test_a_reversed_taste_updates_and_a_compatible_one_adds(alice):
    add(alice, "I love coffee")
    body = add(alice, "I can't stand coffee")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["UPDATE"]
    body = add(alice, "I also like green tea")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["ADD"]
    assert [k for k, _ in facts(alice)] == ["dislike", "preference"]


def test_other_users_facts_are_not_reconciled_against(alice):
    add(alice, "I live in Beijing", user="a")
    body = add(alice, "I live in Paris", user="b")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["ADD"]
    assert facts(alice, "a") == [("place", "I live in Beijing")]


def test_without_infer_nothing_is_extracted(alice):
    alice.client().post("/v1/memory/add", {"user_id": "u1", "messages": "I live in Oslo"},
                        format="json")  # fmt: skip
    assert facts(alice) == []


# --- the LLM path -------------------------------------------------------------------------------

LLM_FACTS = '{"facts": [{"message": 0, "kind": "place", "slot": "place:home", "object": "Lyon", "value": "Lives in Lyon", "date": null}]}'


def test_llm_extraction_is_used_when_configured(alice, llm):
    llm.script(Reply(content=LLM_FACTS))
    body = add(alice, "Je vis à Lyon depuis peu")
    assert facts(alice) == [("place", "Lives in Lyon")]
    with tenant_scope(alice.tenant.pk):
        assert AddBatch.objects.get(pk=body["batch_id"]).extractor == "llm"
    request = llm.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test-upstream-secret"
    assert "Je vis à Lyon" in request["body"]["messages"][1]["content"]


def test_llm_reply_in_a_code_fence_is_accepted(alice, llm):
    llm.script(Reply(content=f"Here you go:\n```json\n{LLM_FACTS}\n```"))
    add(alice, "Je vis à Lyon")
    assert facts(alice) == [("place", "Lives in Lyon")]


@pytest.mark.parametrize("failure", [
    Reply(content="not json at all"),
    Reply(content='{"facts": [{"message": 7, "kind": "place", "value": "x"}]}'),
    Reply(status=500, content="boom"),
    Reply(stall=2.5),
], ids=["malformed", "schema", "http-500", "timeout"])  # fmt: skip
def test_llm_failures_fall_back_to_the_rules_and_say_so(alice, llm, failure):
    llm.script(failure, failure)  # the first try and the one retry both fail
    body = add(alice, "I live in Beijing")
    assert facts(alice) == [("place", "I live in Beijing")]  # the rules took over
    with tenant_scope(alice.tenant.pk):
        batch = AddBatch.objects.get(pk=body["batch_id"])
    assert batch.status == "done"
    assert batch.extractor.startswith("rules (llm failed")
    assert "sk-test-upstream-secret" not in batch.extractor
    assert len(llm.requests) == 2


def test_llm_recovers_on_retry(alice, llm):
    llm.script(Reply(status=500), Reply(content=LLM_FACTS))
    add(alice, "Je vis à Lyon")
    assert facts(alice) == [("place", "Lives in Lyon")]


# --- LLM-decided reconciliation ----------------------------------------------------------------


def _fact(kind, slot, obj, value):
    return Reply(content=json.dumps({"facts": [
        {"message": 0, "kind": kind, "slot": slot, "object": obj, "value": value, "date": None}
    ]}))  # fmt: skip


LYON = _fact("place", "place:home", "Lyon", "Lives in Lyon")
PARIS = _fact("place", "place:home", "Paris", "Moved to Paris")


def test_the_llm_decides_an_update_and_sees_the_facts_it_may_touch(alice, llm):
    llm.script(LYON)  # no related fact yet: nothing to reconcile, no second call
    add(alice, "J'habite à Lyon")
    assert len(llm.requests) == 1
    llm.script(PARIS, Reply(content='{"event": "UPDATE", "fact": 0, "reason": "moved"}'))
    body = add(alice, "J'ai déménagé à Paris")
    [decision] = decisions(alice, body["batch_id"])
    assert (decision["event"], decision["reason"]) == ("UPDATE", "llm: moved")
    assert facts(alice) == [("place", "Moved to Paris")]
    asked = llm.requests[2]["body"]["messages"][1]["content"]
    assert (
        "0. [place, " in asked
        and "Lives in Lyon" in asked
        and "NEW: [place] Moved to Paris" in asked
    )
    history = alice.client().get(f"/v1/memory/{decision['memory_id']}/history").json()
    assert [(h["event"], h["old_memory"]) for h in history] == [
        ("ADD", None),
        ("UPDATE", "Lives in Lyon"),
    ]


def test_the_llm_can_overrule_the_rules(alice, llm):
    """A different slot makes the rules ADD; the model sees it is the same fact (NOOP)."""
    llm.script(LYON)
    add(alice, "J'habite à Lyon")
    llm.script(_fact("place", "place:city", "Lyon", "Resides in Lyon"),
               Reply(content='{"event": "NOOP", "fact": 0, "reason": "same city"}'))  # fmt: skip
    body = add(alice, "Je réside à Lyon")
    assert [d["event"] for d in decisions(alice, body["batch_id"])] == ["NOOP"]
    assert facts(alice) == [("place", "Lives in Lyon")]
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(tenant=alice.tenant, kind="place").mentions == 2


@pytest.mark.parametrize("failure", [
    Reply(content="no idea"),
    Reply(content='{"event": "UPDATE", "fact": 3}'),  # there is only fact 0
    Reply(content='{"event": "MERGE", "fact": 0}'),
    Reply(status=500),
], ids=["malformed", "no-such-fact", "unknown-event", "http-500"])  # fmt: skip
def test_a_failed_llm_decision_leaves_the_rules_decision(alice, llm, failure):
    llm.script(LYON)
    add(alice, "J'habite à Lyon")
    llm.script(PARIS, failure, failure)
    body = add(alice, "J'ai déménagé à Paris")
    [decision] = decisions(alice, body["batch_id"])
    assert decision["event"] == "UPDATE"  # the rules: a new value for place:home
    assert decision["reason"].startswith("rules (llm failed")
    assert facts(alice) == [("place", "Moved to Paris")]
    assert len(llm.requests) == 4


def test_a_tenant_can_keep_rule_reconciliation_with_an_llm_extractor(alice, llm):
    alice.tenant.settings = {"reconciler": "rules"}
    alice.tenant.save()
    llm.script(LYON)
    add(alice, "J'habite à Lyon")
    llm.script(PARIS)
    body = add(alice, "J'ai déménagé à Paris")
    assert decisions(alice, body["batch_id"])[0]["reason"] == "new value for place:home"
    assert len(llm.requests) == 2  # extraction only


# --- profile summary ---------------------------------------------------------------------------


def test_the_profile_summary_is_written_by_the_llm_and_shown_by_retrieve(alice, llm):
    from apps.pipeline.tiers import profile_refresh

    llm.script(LYON)
    add(alice, "J'habite à Lyon")
    llm.script(Reply(content="  The user lives in Lyon.  "))
    with tenant_scope(alice.tenant.pk):
        profile = profile_refresh(tenant=alice.tenant, user_id="u1")
    assert (profile.summary, profile.source) == ("The user lives in Lyon.", "llm")
    assert "place: Lives in Lyon" in llm.requests[-1]["body"]["messages"][1]["content"]
    body = (
        alice.client()
        .post("/v1/memory/retrieve", {"user_id": "u1", "query": "where do I live"}, format="json")
        .json()
    )
    assert body["long_term"]["summary"] == "The user lives in Lyon."


def test_without_a_working_llm_the_profile_has_no_summary_but_its_facts(alice, llm):
    from apps.pipeline.tiers import profile_refresh

    llm.script(LYON)
    add(alice, "J'habite à Lyon")
    llm.script(Reply(status=500), Reply(status=500))
    with tenant_scope(alice.tenant.pk):
        profile = profile_refresh(tenant=alice.tenant, user_id="u1")
    assert (profile.summary, profile.source) == ("", "rules")
    assert profile.profile == {"place": ["Lives in Lyon"]}
