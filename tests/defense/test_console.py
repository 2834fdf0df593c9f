"""The console: bans and whitelist from PostgreSQL, running automatic bans named on the list
page, and per-key allowed_ips in the key forms."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from apps.defense import guard
from apps.defense.models import IpRule
from apps.tenants.models import ApiKey


@pytest.fixture
def operator(db) -> Client:
    user = get_user_model().objects.create_superuser("op", "", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_a_ban_added_in_the_console_applies_at_once(operator, alice):
    response = operator.post("/admin/defense/iprule/add/",
                             {"kind": "ban", "network": "198.51.100.7/32", "reason": "console"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = IpRule.objects.get()
    assert rule.network == "198.51.100.7" and rule.created_by == "console:op"
    refused = alice.client().get("/v1/memory?user_id=u1", REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ip_banned"
    operator.post("/admin/defense/iprule/", {"action": "lift", "_selected_action": [rule.pk]})
    assert not IpRule.objects.exists()
    assert (
        alice.client().get("/v1/memory?user_id=u1", REMOTE_ADDR="198.51.100.7").status_code == 200
    )


def test_a_bad_network_in_the_console_is_refused(operator):
    response = operator.post("/admin/defense/iprule/add/", {"kind": "allow", "network": "1.2.3"})
    assert response.status_code == 200 and "not an IP address" in response.content.decode()
    assert not IpRule.objects.exists()


def test_running_automatic_bans_are_named_on_the_list_page(operator, settings):
    settings.IP_BAN_AUTH_FAILURES = 2
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer mpk_0123456789ab_" + "x" * 40)
    for _ in range(2):
        client.get("/v1/memory?user_id=u1", REMOTE_ADDR="203.0.113.7")
    page = operator.get("/admin/defense/iprule/").content.decode()
    assert "Temporary automatic bans in Redis: 203.0.113.7" in page
    guard.rules_invalidate()


def test_allowed_ips_in_the_key_forms(operator, tenant_a, alice):
    made = operator.post("/admin/tenants/apikey/add/",
                         {"tenant": tenant_a.pk, "name": "console", "scopes": ["memory"],
                          "allowed_ips": "10.0.0.0/8,2001:db8::1"}, follow=True)  # fmt: skip
    assert made.status_code == 200
    assert ApiKey.unscoped.get(name="console").allowed_ips == ["10.0.0.0/8", "2001:db8::1"]
    change = f"/admin/tenants/apikey/{alice.key.pk}/change/"
    form = {"name": "alice", "scopes": ",".join(alice.key.scopes), "allowed_ips": "10.0.0.0/33"}
    refused = operator.post(change, form)
    assert refused.status_code == 200 and "not an IP address" in refused.content.decode()
    alice.key.refresh_from_db()
    assert alice.key.allowed_ips == []
