"""A key gets what it is given and no more: the memory scope unless others are named, and a
tenant's own admin cannot hand out more requests per minute than the tenant gets."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.tenants.models import ApiKey

KEYS = "/v1/admin/keys"


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.mark.django_db
def test_the_command_without_scopes_makes_a_memory_only_key_and_says_so(tenant_a):
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "--tenant", "acme", "--name", "cli", stdout=out, stderr=err)
    secret = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.unscoped.get(name="cli")
    assert key.scopes == ["memory"] and not key.is_platform_admin
    assert "scopes memory (the default; --scopes a,b for more)" in err.getvalue()
    assert client_for(secret).get(KEYS).status_code == 403  # no admin
    assert client_for(secret).get("/v1/memory?user_id=u1").status_code == 200


def test_the_commands_help_names_the_default(capsys):
    with pytest.raises(SystemExit):
        call_command("create_api_key", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Without --scopes the key gets the memory scope only" in help_text
    assert "default: memory only" in help_text


def test_the_api_without_scopes_makes_a_memory_only_key(alice):
    response = alice.client().post(KEYS, {"name": "plain"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["scopes"] == ["memory"]
    assert client_for(response.json()["key"]).post(KEYS, {}, format="json").status_code == 403


def test_explicit_scopes_still_give_more(alice):
    response = alice.client().post(KEYS, {"scopes": ["memory", "chat", "admin"]}, format="json")
    assert response.json()["scopes"] == ["admin", "chat", "memory"]


def _create(actor, limit: int, **extra):
    body = {"name": f"limit-{limit}", "rate_limit_per_minute": limit, **extra}
    return actor.client().post(KEYS, body, format="json")


def _assert_refused_above(response, limit: int, tenant_limit: int) -> None:
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("Forbidden", "rate_limit_above_tenant")
    assert error["details"] == {"rate_limit_per_minute": limit, "tenant_limit": tenant_limit}


def test_a_tenant_admin_may_not_exceed_the_platform_default(alice, settings):
    settings.RATE_LIMIT_PER_MINUTE = 100
    assert _create(alice, 100).status_code == 201  # at the bound
    _assert_refused_above(_create(alice, 101), 101, 100)  # one past it
    assert not ApiKey.unscoped.filter(name="limit-101").exists()


def test_a_tenant_admin_may_not_exceed_the_tenants_own_limit(alice, settings):
    settings.RATE_LIMIT_PER_MINUTE = 1000
    alice.tenant.settings = {"rate_limit_per_minute": 50}
    alice.tenant.save()
    assert _create(alice, 50).status_code == 201
    _assert_refused_above(_create(alice, 51), 51, 50)
    assert not ApiKey.unscoped.filter(name="limit-51").exists()
    assert _create(alice, 10).status_code == 201  # below is fine


def test_a_platform_admin_may_set_any_limit(root, tenant_a, settings):
    settings.RATE_LIMIT_PER_MINUTE = 100
    response = _create(root, 100_000, tenant="acme")
    assert response.status_code == 201, response.content
    assert response.json()["rate_limit_per_minute"] == 100_000


def test_only_a_platform_admin_makes_platform_admin_keys_with_a_code(alice):
    response = alice.client().post(KEYS, {"is_platform_admin": True}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "platform_admin_required"
