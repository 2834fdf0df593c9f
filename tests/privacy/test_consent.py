"""Consent: recorded per user and purpose with its history, checked in the reference's shape,
and enforced when the tenant requires purposes (adds, updates, imports, queued batches, chat)."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.conf import settings

from apps.audit.models import AuditEvent
from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Memory, Message
from apps.memories.tasks import process_batch
from apps.privacy.models import Consent

CONSENT, CHECK = "/v1/security/gdpr/consent", "/v1/security/gdpr/consent/check"
ADD = "/v1/memory/add"


def record(actor, user_id="u1", purpose="data_processing", granted=True, **extra):
    body = {"user_id": user_id, "purpose": purpose, "granted": granted, **extra}
    response = actor.client().post(CONSENT, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def check(actor, user_id="u1", purpose="data_processing"):
    response = actor.client().post(CHECK, {"user_id": user_id, "purpose": purpose}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def require(tenant, *purposes):
    tenant.settings = {**tenant.settings, "required_consents": list(purposes)}
    tenant.save(update_fields=["settings"])


def counts(tenant) -> tuple[int, int, int]:
    with tenant_scope(tenant.pk):
        return Message.objects.count(), Memory.objects.count(), AddBatch.objects.count()


# --- record, history, check ---------------------------------------------------------------------


def test_the_check_answers_the_reference_shape_and_follows_the_latest_row(alice):
    assert check(alice)["has_consent"] is False  # never asked
    body = record(alice, policy_version="2026-01", method="web_form")
    assert body["status"] == "ok" and body["has_consent"] is True
    row = body["consent"]
    assert (row["user_id"], row["purpose"], row["granted"]) == ("u1", "data_processing", True)
    assert (row["policy_version"], row["method"], row["api_key_id"]) == (
        "2026-01", "web_form", alice.key.pk
    )  # fmt: skip
    answer = check(alice)
    assert {k: answer[k] for k in ("status", "user_id", "purpose", "has_consent")} == {
        "status": "ok", "user_id": "u1", "purpose": "data_processing", "has_consent": True
    }  # fmt: skip
    assert answer["policy_version"] == "2026-01" and answer["recorded_at"]
    record(alice, granted=False)
    assert check(alice)["has_consent"] is False
    assert check(alice, purpose="marketing")["has_consent"] is False


def test_history_keeps_every_grant_and_withdrawal_per_purpose(alice):
    record(alice, policy_version="v1")
    record(alice, granted=False)
    record(alice, policy_version="v2")
    record(alice, purpose="marketing", granted=False)
    record(alice, user_id="someone_else")
    require(alice.tenant, "data_processing", "analytics")
    response = alice.client().get(CONSENT, {"user_id": "u1"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["user_id"] == "u1"
    assert body["required"] == ["data_processing", "analytics"]
    assert body["missing"] == ["analytics"]
    by_purpose = {p["purpose"]: p for p in body["purposes"]}
    assert set(by_purpose) == {"analytics", "data_processing", "marketing"}
    processing = by_purpose["data_processing"]
    assert processing["has_consent"] is True and processing["required"] is True
    assert [(h["granted"], h["policy_version"]) for h in processing["history"]] == [
        (True, "v2"), (False, ""), (True, "v1")
    ]  # fmt: skip
    assert by_purpose["marketing"]["has_consent"] is False
    assert by_purpose["analytics"]["history"] == []
    one = alice.client().get(CONSENT, {"user_id": "u1", "purpose": "marketing"}).json()
    assert [p["purpose"] for p in one["purposes"]] == ["marketing"] and one["missing"] == []


def test_a_consent_change_is_audited_with_the_user_as_its_target(alice):
    record(alice, user_id="u42", granted=False)
    check(alice, user_id="u42")  # a check only reads: not an audit event
    with tenant_scope(alice.tenant.pk):
        events = list(AuditEvent.objects.filter(action__contains="consent"))
    assert len(events) == 1
    [event] = events
    assert event.action == "POST /v1/security/gdpr/consent"
    assert (event.target_type, event.target_id, event.end_user_id) == ("user", "u42", "u42")
    assert event.api_key_id == alice.key.pk


@pytest.mark.parametrize(
    "body, field",
    [
        ({"user_id": "u1", "granted": True}, "purpose"),
        ({"user_id": "u1", "purpose": "data_processing", "granted": "yes"}, "granted"),
        ({"user_id": "u1", "purpose": "data_processing", "granted": 1}, "granted"),
        ({"user_id": "u1", "purpose": "data_processing"}, "granted"),
        ({"user_id": "u1", "purpose": "x" * 101, "granted": True}, "purpose"),
        ({"user_id": "u1", "purpose": "data processing", "granted": True}, "purpose"),
        ({"user_id": "", "purpose": "data_processing", "granted": True}, "user_id"),
        ({"user_id": "u1", "purpose": "p", "granted": True, "policy_version": 3},
         "policy_version"),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_in_the_envelope_and_records_nothing(alice, body, field):
    response = alice.client().post(CONSENT, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and field in error["details"]
    with tenant_scope(alice.tenant.pk):
        assert not Consent.objects.exists()


def test_bad_check_and_history_queries_are_400(alice):
    response = alice.client().post(CHECK, {"user_id": "u1"}, format="json")
    assert response.status_code == 400 and "purpose" in response.json()["error"]["details"]
    response = alice.client().get(CONSENT)
    assert response.status_code == 400 and "user_id" in response.json()["error"]["details"]
    response = alice.client().get(CONSENT, {"user_id": "u1", "limit": "0"})
    assert response.status_code == 400


def test_a_key_without_the_security_scope_is_refused(bob):
    response = bob.client().post(CONSENT, {"user_id": "u1", "purpose": "p", "granted": True},
                                 format="json")  # fmt: skip
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_scope"


# --- enforcement: adds ---------------------------------------------------------------------------


def test_without_required_purposes_nothing_is_enforced(alice):
    response = alice.client().post(ADD, {"user_id": "u1", "messages": "I live in Oslo."},
                                   format="json")  # fmt: skip
    assert response.status_code == 200


def test_an_add_without_a_required_consent_is_403_and_stores_nothing(alice):
    require(alice.tenant, "data_processing", "memory")
    record(alice, purpose="data_processing")
    before = counts(alice.tenant)
    body = {"user_id": "u1", "messages": "I live in Oslo.", "infer": True, "event_id": "e1"}
    response = alice.client().post(ADD, body, format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "consent_required"
    assert "memory" in error["message"] and "data_processing" not in error["message"]
    assert error["details"]["missing"] == ["memory"]
    assert counts(alice.tenant) == before == (0, 0, 0)

    record(alice, purpose="memory")  # granting lets it through
    response = alice.client().post(ADD, body, format="json")
    assert response.status_code == 200, response.content
    assert counts(alice.tenant)[0] == 1

    record(alice, purpose="memory", granted=False)  # a withdrawal refuses again
    response = alice.client().post(ADD, {**body, "event_id": "e2"}, format="json")
    assert response.json()["error"]["code"] == "consent_required"
    assert counts(alice.tenant)[0] == 1


def test_consent_is_per_user(alice):
    require(alice.tenant, "data_processing")
    record(alice, user_id="u1")
    ok = alice.client().post(ADD, {"user_id": "u1", "messages": "hi there"}, format="json")
    refused = alice.client().post(ADD, {"user_id": "u2", "messages": "hi there"}, format="json")
    assert (ok.status_code, refused.status_code) == (200, 403)


def test_updates_and_imports_are_refused_without_consent_and_deletes_are_not(alice):
    added = alice.client().post(ADD, {"user_id": "u1", "messages": "I live in Oslo."},
                                format="json").json()  # fmt: skip
    memory_id = added["results"][0]["id"]
    require(alice.tenant, "data_processing")
    client = alice.client()
    response = client.put(f"/v1/memory/{memory_id}", {"memory": "I live in Rome."}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "consent_required"
    response = client.post("/v1/memory/manage/import",
                           {"user_id": "u1", "memories": [{"memory": "I like tea"}]},
                           format="json")  # fmt: skip
    assert response.status_code == 403 and response.json()["error"]["code"] == "consent_required"
    with tenant_scope(alice.tenant.pk):
        assert list(Memory.objects.values_list("value", flat=True)) == ["I live in Oslo."]
    assert client.delete(f"/v1/memory/{memory_id}").status_code == 200  # erasing is never gated


def test_a_malformed_setting_fails_closed(alice):
    alice.tenant.settings = {"required_consents": {"purpose": "x"}}
    alice.tenant.save(update_fields=["settings"])
    response = alice.client().post(ADD, {"user_id": "u1", "messages": "hello"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
    assert "required_consents" in response.json()["error"]["message"]
    assert counts(alice.tenant) == (0, 0, 0)


# --- enforcement: a withdrawal stops a queued batch ---------------------------------------------


def test_a_withdrawal_while_a_batch_is_queued_stops_its_extraction(alice):
    """No worker runs until the withdrawal is made; then the real task takes the batch."""
    require(alice.tenant, "data_processing")
    record(alice)
    body = {"user_id": "u1", "messages": "I live in Berlin and I have a dog named Rex.",
            "infer": True, "async_mode": "async"}  # fmt: skip
    added = alice.client().post(ADD, body, format="json").json()
    assert added["status"] == "queued"
    record(alice, granted=False)
    process_batch.apply(kwargs={"tenant_id": alice.tenant.pk, "batch_id": added["batch_id"],
                                "actor": "test"}).get()  # fmt: skip
    status = alice.client().get(f"/v1/memory/add/status/{added['batch_id']}").json()
    assert status["status"] == "failed"
    assert status["error"].startswith("consent_required")
    with tenant_scope(alice.tenant.pk):
        assert not Memory.objects.exclude(kind="turn").exists()  # no fact made
        assert Message.objects.count() == 1  # the turn stored while consent was given stays
        batch = AddBatch.objects.get(pk=added["batch_id"])
    assert batch.decisions == [] and batch.extractor == ""
    # the task delivered again (or requeued) still makes nothing
    process_batch.apply(kwargs={"tenant_id": alice.tenant.pk, "batch_id": added["batch_id"],
                                "actor": "test"}).get()  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        assert not Memory.objects.exclude(kind="turn").exists()


def test_with_consent_kept_the_queued_batch_makes_its_facts(alice):
    require(alice.tenant, "data_processing")
    record(alice)
    body = {"user_id": "u1", "messages": "I live in Berlin.", "infer": True,
            "async_mode": "async"}  # fmt: skip
    added = alice.client().post(ADD, body, format="json").json()
    process_batch.apply(kwargs={"tenant_id": alice.tenant.pk, "batch_id": added["batch_id"],
                                "actor": "test"}).get()  # fmt: skip
    assert alice.client().get(f"/v1/memory/add/status/{added['batch_id']}").json()["status"] == (
        "done"
    )
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.exclude(kind="turn").exists()


def wait_for_batch(actor, batch_id: str, states=("done", "failed"), timeout=30.0) -> dict:
    deadline = time.monotonic() + timeout
    status: dict = {}
    while time.monotonic() < deadline:
        status = actor.client().get(f"/v1/memory/add/status/{batch_id}").json()
        if status["status"] in states:
            break
        time.sleep(0.1)
    return status


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_stops_a_batch_the_real_worker_already_took(celery_worker, alice):
    """The worker takes the batch (running) and waits for the user's lock, held here from a
    connection of our own, while the withdrawal is recorded; let go, it refuses the batch."""
    require(alice.tenant, "data_processing")
    record(alice)
    db = settings.DATABASES["default"]
    lock = psycopg.connect(host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"],
                           password=db["PASSWORD"])  # fmt: skip
    try:
        lock.execute("BEGIN")
        lock.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                     [f"memories.batch:{alice.tenant.pk}:u1"])  # fmt: skip
        body = {"user_id": "u1", "infer": True, "async_mode": "async",
                "messages": "I live in Berlin and I have a dog named Rex."}  # fmt: skip
        added = alice.client().post(ADD, body, format="json").json()
        assert wait_for_batch(alice, added["batch_id"], ("running",))["status"] == "running"
        record(alice, granted=False)
    finally:
        lock.rollback()  # lets the worker go on
        lock.close()
    status = wait_for_batch(alice, added["batch_id"])
    assert status["status"] == "failed" and status["error"].startswith("consent_required")
    with tenant_scope(alice.tenant.pk):
        assert not Memory.objects.exclude(kind="turn").exists()
        assert Message.objects.count() == 1


def test_the_console_shows_consents_read_only(alice, charlie):
    from django.contrib.auth import get_user_model
    from django.test import Client

    operator = Client()
    operator.force_login(get_user_model().objects.create_superuser("op", "", "pw"))
    row = record(alice, user_id="console-user", policy_version="v-console")["consent"]
    record(charlie, user_id="other-tenant-user")
    page = "/admin/privacy/consent/"
    listing = operator.get(page).content.decode()
    assert "console-user" in listing and "other-tenant-user" in listing  # every tenant's
    assert operator.get(f"{page}{row['id']}/change/").status_code == 200  # viewable
    assert operator.get(f"{page}add/").status_code == 403
    assert operator.post(f"{page}{row['id']}/change/", {"granted": "off"}).status_code == 403
    assert operator.post(f"{page}{row['id']}/delete/", {"post": "yes"}).status_code == 403
    with tenant_scope(alice.tenant.pk):
        assert Consent.objects.get(pk=row["id"]).granted is True
