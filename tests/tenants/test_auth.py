"""Authentication, scopes, suspension and the acting tenant (X-Tenant-ID)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.tenants.models import ApiKey, Tenant
from apps.tenants.services import api_key_create, tenant_set_status

KEYS = "/v1/admin/keys"


def error_type(response) -> str:
    return response.json()["error"]["type"]


def test_bearer_and_token_schemes_both_authenticate(alice):
    assert alice.client("Bearer").get(KEYS).status_code == 200
    assert alice.client("Token").get(KEYS).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-key", "Token mpk_0000_short"],
)
def test_missing_or_malformed_credentials_are_401(anon, alice, header):
    if header:
        anon.credentials(HTTP_AUTHORIZATION=header)
    response = anon.get(KEYS)
    assert response.status_code == 401
    assert error_type(response) == "Unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_key_with_valid_shape_is_401(anon, alice):
    forged = alice.secret[:-4] + ("AAAA" if not alice.secret.endswith("AAAA") else "BBBB")
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert anon.get(KEYS).status_code == 401


def test_revoked_key_is_401(alice):
    ApiKey.unscoped.filter(pk=alice.key.pk).update(revoked_at=timezone.now())
    response = alice.client().get(KEYS)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_expired_key_is_401(alice):
    ApiKey.unscoped.filter(pk=alice.key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = alice.client().get(KEYS)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_key_without_the_endpoint_scope_is_403(bob):
    response = bob.client().get(KEYS)
    assert response.status_code == 403
    assert "admin" in response.json()["error"]["message"]


def test_suspended_tenant_is_403(alice):
    tenant_set_status(tenant=alice.tenant, status=Tenant.Status.SUSPENDED)
    response = alice.client().get(KEYS)
    assert response.status_code == 403
    assert "suspended" in response.json()["error"]["message"]


def test_secret_is_never_stored(alice):
    row = ApiKey.unscoped.values().get(pk=alice.key.pk)
    secret_part = alice.secret.rsplit("_", 1)[-1]
    assert all(secret_part not in str(value) for value in row.values())


def test_last_used_is_recorded(alice):
    assert alice.key.last_used_at is None
    alice.client().get(KEYS)
    alice.key.refresh_from_db()
    assert alice.key.last_used_at is not None


def test_own_tenant_in_x_tenant_id_is_accepted(alice):
    for ref in (alice.tenant.slug, str(alice.tenant.pk)):
        assert alice.client().get(KEYS, HTTP_X_TENANT_ID=ref).status_code == 200


def test_other_tenant_in_x_tenant_id_is_403_for_a_normal_key(alice, charlie):
    for ref in (charlie.tenant.slug, str(charlie.tenant.pk), "no-such-tenant"):
        response = alice.client().get(KEYS, HTTP_X_TENANT_ID=ref)
        assert response.status_code == 403, ref


def test_platform_admin_acts_on_any_tenant_through_x_tenant_id(root, alice, charlie):
    response = root.client().get(KEYS, HTTP_X_TENANT_ID=charlie.tenant.slug)
    assert response.status_code == 200
    assert [k["name"] for k in response.json()["results"]] == ["charlie"]
    response = root.client().get(KEYS, HTTP_X_TENANT_ID=str(alice.tenant.pk))
    assert {k["name"] for k in response.json()["results"]} == {"alice"}


def test_platform_admin_naming_an_unknown_tenant_gets_404(root):
    assert root.client().get(KEYS, HTTP_X_TENANT_ID="no-such-tenant").status_code == 404


def test_expiry_in_the_past_is_rejected(alice):
    response = alice.client().post(
        KEYS, {"name": "old", "expires_at": "2001-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert not ApiKey.unscoped.filter(name="old").exists()


def test_key_made_with_an_expiry_expires(alice):
    issued = api_key_create(
        tenant=alice.tenant, name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    ApiKey.unscoped.filter(pk=issued.key.pk).update(expires_at=timezone.now())
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert client.get(KEYS).status_code == 401
