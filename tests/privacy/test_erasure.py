"""GDPR erasure: every registered collection, in order, with a receipt; dry run; partial and
retry; suppression; and the scan of every column and Redis key afterwards."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories import registry
from apps.memories.models import Memory, Message
from apps.privacy.models import PrivacyRequest, Suppression
from apps.privacy.services import receipt_body, receipt_hash, subject_of
from tests.privacy.data import db_hits, fill, person, post, redis_hits

DELETE = "/v1/security/gdpr/delete"


def counts_of(actor, user_id: str) -> dict[str, int]:
    body = post(actor, DELETE, {"user_id": user_id, "dry_run": True})
    assert body["status"] == "ok" and body["receipt"]["dry_run"] is True
    return body["receipt"]["counts"]


def test_dry_run_counts_every_collection_and_changes_nothing(alice):
    who = person()
    fill(alice, who)
    counts = counts_of(alice, who.user_id)
    names = {e.name for e in registry.user_data_list()}
    assert set(counts) == names
    for name in ("messages", "memories", "versions", "batches", "term_stats", "import_stages",
                 "access_counters", "segments", "profile", "faq_events", "consents", "jobs",
                 "failed_tasks", "audit_events"):  # fmt: skip
        assert counts.get(name, 0) > 0, (name, counts)
    assert counts_of(alice, who.user_id) == counts  # nothing went
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.filter(user_id=who.user_id).count() == counts["memories"]


def test_erasure_answers_ok_with_a_receipt_that_a_get_shows_later(alice):
    who = person()
    fill(alice, who)
    before = counts_of(alice, who.user_id)
    body = post(alice, DELETE, {"user_id": who.user_id})
    assert body["status"] == "ok"
    assert body["message"] == "User data deleted from all backends"
    receipt = body["receipt"]
    assert receipt["id"] == body["request_id"]
    assert receipt["counts"]["memories"] == before["memories"]
    assert receipt["counts"]["messages"] == before["messages"]
    assert who.user_id not in str(receipt) and who.marker not in str(receipt)
    assert receipt["subject"] == subject_of(tenant_id=alice.tenant.pk, user_id=who.user_id)
    assert receipt["hash"] == receipt_hash({k: v for k, v in receipt.items() if k != "hash"})

    shown = alice.client().get(body["status_url"])
    assert shown.status_code == 200
    assert shown.json()["receipt"] == receipt
    assert all(n == 0 for n in counts_of(alice, who.user_id).values())


def test_an_erased_user_leaves_nothing_in_any_column_or_redis_key(alice):
    who, other = person(), person("keep")
    fill(alice, who)
    fill(alice, other)
    with tenant_scope(alice.tenant.pk):
        memory_ids = [str(m) for m in Memory.objects.filter(user_id=who.user_id)
                      .values_list("pk", flat=True)]  # fmt: skip
        kept = Memory.objects.filter(user_id=other.user_id).count()
    assert db_hits([who.user_id, who.marker])  # the scan sees the data before
    assert redis_hits([], memory_ids)
    other_counts = counts_of(alice, other.user_id)

    assert post(alice, DELETE, {"user_id": who.user_id})["status"] == "ok"

    assert db_hits([who.user_id, who.marker]) == []
    assert redis_hits([who.user_id, who.marker], memory_ids) == []
    assert counts_of(alice, other.user_id) == other_counts
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.filter(user_id=other.user_id).count() == kept


def test_a_failing_collection_gives_partial_and_the_retry_finishes(alice, monkeypatch):
    who = person()
    fill(alice, who)
    calls = []

    def flaky(*, tenant, user_id):
        calls.append(user_id)
        if len(calls) == 1:
            raise RuntimeError(f"backend down while erasing {user_id}")
        return 1

    monkeypatch.setitem(registry._USER_DATA, "flaky", registry.UserData(
        name="flaky", export=lambda **_: [], count=lambda **_: 1, erase=flaky, order=55))  # fmt: skip

    first = post(alice, DELETE, {"user_id": who.user_id})
    assert first["status"] == "partial"
    assert first["message"] == "Some backends failed"
    assert first["errors"] == ["flaky: RuntimeError: backend down while erasing <user>"]
    assert first["receipt"]["status"] == "partial"
    with tenant_scope(alice.tenant.pk):  # the other collections went all the same
        assert not Message.objects.filter(user_id=who.user_id).exists()

    second = post(alice, DELETE, {"user_id": who.user_id})
    assert second["status"] == "ok"
    assert second["request_id"] == first["request_id"]  # the same receipt, completed
    assert second["receipt"]["counts"]["flaky"] == 1
    assert second["receipt"]["counts"]["memories"] == first["receipt"]["counts"]["memories"]
    assert second["receipt"]["errors"] == []
    with tenant_scope(alice.tenant.pk):
        request = PrivacyRequest.objects.get(pk=first["request_id"])
        assert request.status == "done"
        assert request.receipt_hash == receipt_hash(receipt_body(request))


def test_suppress_refuses_later_stores_until_lifted(alice):
    who = person()
    body = post(alice, DELETE, {"user_id": who.user_id, "suppress": True})
    assert body["status"] == "ok"
    with tenant_scope(alice.tenant.pk):
        assert Suppression.objects.filter(lifted_at=None).count() == 1
        with pytest.raises(Exception) as refused:
            registry.processing_check(tenant=alice.tenant, user_id=who.user_id, activity="store")
        assert refused.value.code == "user_suppressed" and refused.value.status == 403
        registry.processing_check(tenant=alice.tenant, user_id="someone-else", activity="store")

    lift = alice.client().delete(f"/v1/security/gdpr/suppressions/{who.user_id}")
    assert lift.status_code == 200, lift.content
    with tenant_scope(alice.tenant.pk):
        registry.processing_check(tenant=alice.tenant, user_id=who.user_id, activity="store")
    again = alice.client().delete(f"/v1/security/gdpr/suppressions/{who.user_id}")
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "suppression_not_found"


@pytest.mark.parametrize("body", [
    {}, {"user_id": ""}, {"user_id": 12}, {"user_id": "x" * 201}, {"user_id": "u", "dry_run": "yes"},
    {"user_id": "u", "suppress": 1}, ["u"],
])  # fmt: skip
def test_bad_input_is_a_400_in_the_envelope(alice, body):
    response = alice.client().post(DELETE, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"]
    assert not PrivacyRequest.unscoped.exists()


def test_erasure_needs_the_security_scope(bob):
    response = bob.client().post(DELETE, {"user_id": "u1"}, format="json")
    assert response.status_code == 403


def test_a_suppressed_user_cannot_be_added_again_until_lifted(alice):
    who = person()
    post(alice, "/v1/memory/add", {"user_id": who.user_id, "messages": f"I like {who.marker}"})
    post(alice, DELETE, {"user_id": who.user_id, "suppress": True})
    add = {"user_id": who.user_id, "messages": f"I still like {who.marker}", "infer": True}
    refused = alice.client().post("/v1/memory/add", add, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "user_suppressed"
    assert db_hits([who.marker]) == []  # nothing stored; the refused attempt is audited only
    assert {table for table, _, _ in db_hits([who.user_id])} == {"audit_auditevent"}
    other = alice.client().post("/v1/memory/add", {"user_id": "someone", "messages": "hi"},
                                format="json")  # fmt: skip
    assert other.status_code == 200

    assert alice.client().delete(f"/v1/security/gdpr/suppressions/{who.user_id}").status_code == 200
    assert post(alice, "/v1/memory/add", add)["results"]


def test_a_suppression_of_any_user_id_can_be_lifted(alice):
    user_id = "tenant/42:用户 #1"
    post(alice, DELETE, {"user_id": user_id, "suppress": True})
    response = alice.client().delete(f"/v1/security/gdpr/suppressions/{quote(user_id, safe='/')}")
    assert response.status_code == 200, response.content
    with tenant_scope(alice.tenant.pk):
        assert not Suppression.objects.filter(lifted_at=None).exists()


def test_chat_for_a_suppressed_user_answers_and_writes_nothing_back(alice, llm):
    from tests.llm_server import Reply

    who = person()
    post(alice, DELETE, {"user_id": who.user_id, "suppress": True})
    llm.script(Reply(content=f"Nice to meet you, {who.marker}."))
    question = {"role": "user", "content": f"My name is {who.marker}"}
    response = alice.client().post("/v1/chat/completions",
                                   {"messages": [question], "user": who.user_id}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert db_hits([who.marker]) == []  # the write-back was refused as a "store"
