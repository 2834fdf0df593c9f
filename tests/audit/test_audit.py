from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from apps.audit.models import AuditEvent
from apps.core.tenancy import tenant_scope
from apps.tenants.models import ApiKey

KEYS = "/v1/admin/keys"


def events(tenant):
    with tenant_scope(tenant.pk):
        return list(AuditEvent.objects.order_by("created_at"))


def test_state_change_leaves_an_audit_record_without_the_body(alice):
    response = alice.client().post(
        KEYS, {"name": "secret-name"}, format="json", HTTP_X_REQUEST_ID="req-1"
    )
    assert response.status_code == 201
    [event] = events(alice.tenant)
    assert event.action == "POST /v1/admin/keys"
    assert event.status_code == 201
    assert event.api_key_id == alice.key.pk
    assert event.target_type == "api_key" and event.target_id == str(response.json()["id"])
    assert event.request_id == "req-1"
    assert event.client_ip == "127.0.0.1"
    assert "secret-name" not in str(AuditEvent.unscoped.values().get(pk=event.pk))


def test_admin_scope_reads_are_audited_too(alice):
    alice.client().get(KEYS)
    assert [e.action for e in events(alice.tenant)] == ["GET /v1/admin/keys"]


def test_refused_requests_of_a_known_key_are_audited(bob):
    assert bob.client().post(KEYS, {}, format="json").status_code == 403
    assert ApiKey.unscoped.filter(tenant=bob.tenant).count() == 1  # no key was made
    [event] = events(bob.tenant)
    assert event.status_code == 403 and event.api_key_id == bob.key.pk


def test_anonymous_requests_are_not_audited(anon, alice):
    anon.post(KEYS, {}, format="json")
    assert AuditEvent.unscoped.count() == 0


def test_platform_admin_action_is_recorded_under_the_acting_tenant(root, alice):
    root.client().delete(f"{KEYS}/{alice.key.pk}", HTTP_X_TENANT_ID="acme")
    [event] = events(alice.tenant)
    assert event.api_key_id == root.key.pk and event.target_id == str(alice.key.pk)


@pytest.mark.django_db(transaction=True)
def test_audit_rows_cannot_be_updated_or_deleted(alice):
    alice.client().get(KEYS)
    event = AuditEvent.unscoped.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.unscoped.filter(pk=event.pk).update(status_code=200)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.unscoped.filter(pk=event.pk).delete()
    assert AuditEvent.unscoped.get(pk=event.pk).status_code == event.status_code


@pytest.mark.django_db(transaction=True)
def test_deleting_a_tenant_purges_its_audit_trail_only(alice, charlie):
    from apps.tenants.services import tenant_delete

    alice.client().get(KEYS)
    charlie.client().get(KEYS)
    tenant_delete(tenant=alice.tenant)
    assert list(AuditEvent.unscoped.values_list("tenant_id", flat=True)) == [charlie.tenant.pk]


def test_read_only_posts_are_not_audited_but_writes_are(alice):
    client = alice.client()
    client.post("/v1/memory/add", {"user_id": "u1", "messages": "hello"}, format="json")
    client.post("/v1/memory/search", {"user_id": "u1", "query": "hello"}, format="json")
    client.post("/v1/memory/retrieve", {"user_id": "u1", "query": "hello"}, format="json")
    client.post("/v1/memory/manage/export", {"user_id": "u1"}, format="json")
    assert [e.action for e in events(alice.tenant)] == ["POST /v1/memory/add"]
    assert events(alice.tenant)[0].end_user_id == "u1"
