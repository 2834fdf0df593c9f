"""/v1/admin/keys: create (shown once), list (never secrets), revoke."""

from __future__ import annotations

from rest_framework.test import APIClient

from apps.tenants.models import SCOPES, ApiKey

KEYS = "/v1/admin/keys"


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_created_key_is_shown_once_and_works_with_its_scopes(alice):
    response = alice.client().post(KEYS, {"name": "ci", "scopes": ["memory"]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["key"].startswith("mpk_") and body["scopes"] == ["memory"]
    assert body["tenant"] == "acme"
    new = client_for(body["key"])
    assert new.get(KEYS).status_code == 403  # memory scope only, admin endpoint
    listing = alice.client().get(KEYS).json()["results"]
    assert {k["name"] for k in listing} == {"alice", "ci"}
    assert all("key" not in k and "digest" not in k for k in listing)
    assert body["key"] not in str(listing)


def keys_of(tenant) -> set:
    return set(ApiKey.unscoped.filter(tenant=tenant).values_list("pk", "revoked_at"))


def test_unknown_scope_is_400_with_the_field_named(alice):
    before = keys_of(alice.tenant)
    response = alice.client().post(KEYS, {"scopes": ["memory", "root"]}, format="json")
    assert response.status_code == 400
    assert "scopes" in response.json()["error"]["details"]
    assert keys_of(alice.tenant) == before


def test_key_name_length_at_the_bound(alice):
    assert alice.client().post(KEYS, {"name": "n" * 201}, format="json").status_code == 400
    assert not ApiKey.unscoped.filter(name__startswith="nnn").exists()
    response = alice.client().post(KEYS, {"name": "n" * 200}, format="json")
    assert response.status_code == 201 and response.json()["name"] == "n" * 200


def test_only_a_platform_admin_makes_platform_admin_keys(alice, root):
    response = alice.client().post(KEYS, {"is_platform_admin": True}, format="json")
    assert response.status_code == 403
    assert not ApiKey.unscoped.filter(is_platform_admin=True).exclude(pk=root.key.pk).exists()
    response = root.client().post(KEYS, {"is_platform_admin": True}, format="json")
    assert response.status_code == 201 and response.json()["is_platform_admin"] is True
    # It holds every scope, and its listing says so (not the default `memory` alone).
    assert response.json()["scopes"] == sorted(SCOPES)


def test_platform_admin_creates_a_key_in_another_tenant(root, alice):
    body = {"name": "ops", "tenant": "acme", "scopes": ["admin"]}
    response = root.client().post(KEYS, body, format="json")
    assert response.status_code == 201
    assert response.json()["tenant"] == "acme"
    assert client_for(response.json()["key"]).get(KEYS).json()["results"][0]["tenant"] == "acme"


def test_revoke_by_full_key_by_prefix_and_by_id(alice):
    made = [alice.client().post(KEYS, {"name": f"k{i}"}, format="json").json() for i in range(3)]
    refs = [made[0]["key"], made[1]["prefix"], str(made[2]["id"])]
    for key, ref in zip(made, refs, strict=True):
        response = alice.client().delete(f"{KEYS}/{ref}")
        assert response.status_code == 200, response.content
        assert response.json()["revoked_at"]
        assert client_for(key["key"]).get(KEYS).status_code == 401


def test_revoking_twice_is_idempotent(alice):
    made = alice.client().post(KEYS, {"name": "twice"}, format="json").json()
    first = alice.client().delete(f"{KEYS}/{made['id']}").json()["revoked_at"]
    second = alice.client().delete(f"{KEYS}/{made['id']}").json()["revoked_at"]
    assert first == second


def test_revoking_an_unknown_key_is_404_and_revokes_nothing(alice, charlie):
    before = keys_of(alice.tenant) | keys_of(charlie.tenant)
    assert alice.client().delete(f"{KEYS}/999999").status_code == 404
    assert alice.client().delete(f"{KEYS}/mpk_ffffffffffff").status_code == 404
    assert alice.client().delete(f"{KEYS}/{charlie.key.pk}").status_code == 404  # not alice's
    assert keys_of(alice.tenant) | keys_of(charlie.tenant) == before


def test_a_key_may_revoke_itself_and_is_then_refused(alice):
    assert alice.client().delete(f"{KEYS}/{alice.key.pk}").status_code == 200
    assert alice.client().get(KEYS).status_code == 401
    assert ApiKey.unscoped.get(pk=alice.key.pk).revoked_at is not None
