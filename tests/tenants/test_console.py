"""The operator console: tenants and keys in the Django admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.audit.models import AuditEvent
from apps.tenants.models import ApiKey


@pytest.fixture
def operator(db) -> Client:
    user = get_user_model().objects.create_superuser("op", "", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_console_lists_keys_of_all_tenants_without_secrets(operator, alice, charlie):
    page = operator.get("/admin/tenants/apikey/").content.decode()
    assert "alice" in page and "charlie" in page
    assert alice.secret not in page


def test_key_created_in_the_console_is_shown_once_and_works(operator, tenant_a):
    response = operator.post(
        "/admin/tenants/apikey/add/",
        {"tenant": tenant_a.pk, "name": "console", "scopes": ["memory", "admin"]},
        follow=True,
    )
    page = response.content.decode()
    match = re.search(r"(mpk_[0-9a-f]{12}_[A-Za-z0-9_-]+)", page)
    assert match, page[:2000]
    key = ApiKey.unscoped.get(name="console")
    assert key.scopes == ["admin", "memory"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {match.group(1)}")
    assert client.get("/v1/admin/keys").status_code == 200
    detail = operator.get(f"/admin/tenants/apikey/{key.pk}/change/").content.decode()
    assert match.group(1) not in detail


def test_revoke_action(operator, alice, bob):
    operator.post(
        "/admin/tenants/apikey/",
        {"action": "revoke", "_selected_action": [alice.key.pk]},
    )
    assert alice.client().get("/v1/admin/keys").status_code == 401
    assert ApiKey.unscoped.get(pk=bob.key.pk).revoked_at is None  # only the selected key


def test_console_search_and_filters(operator, alice, charlie):
    page = operator.get("/admin/tenants/apikey/?q=globex").content.decode()
    assert "charlie" in page and "alice" not in page
    page = operator.get("/admin/tenants/tenant/?status__exact=active").content.decode()
    assert "acme" in page and "globex" in page


def test_audit_trail_is_read_only_in_the_console(operator, alice):
    alice.client().get("/v1/admin/keys")
    [event] = AuditEvent.unscoped.filter(tenant=alice.tenant)
    before = AuditEvent.unscoped.values().get(pk=event.pk)
    assert operator.get("/admin/audit/auditevent/").status_code == 200
    assert operator.get("/admin/audit/auditevent/add/").status_code == 403
    page = f"/admin/audit/auditevent/{event.pk}"
    changed = operator.post(f"{page}/change/", {"action": "GET /nothing", "status_code": 200})
    assert changed.status_code == 403
    assert operator.post(f"{page}/delete/", {"post": "yes"}).status_code == 403
    operator.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )  # not offered: nothing runs
    assert AuditEvent.unscoped.count() == 1
    assert AuditEvent.unscoped.values().get(pk=event.pk) == before
