"""Saved configurations: secrets sealed with AES-256-GCM, masked on output, key rotation."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.management import call_command

from apps.core.tenancy import tenant_scope
from apps.wiki.connector_models import SavedConnector
from tests.wiki.connectors.conftest import ACCESS, SECRET, s3_bucket, write_tree

pytestmark = pytest.mark.django_db
K1, K2, K3 = (base64.b64encode(os.urandom(32)).decode() for _ in range(3))


def _save(actor, secret: str = SECRET, endpoint: str = "http://127.0.0.1:1") -> dict:
    body = {"name": "My S3 Repo", "connector_type": "s3", "config": {
        "endpoint": endpoint, "bucket": "saved-repo", "access_key": ACCESS, "secret_key": secret}}  # fmt: skip
    r = actor.client().post("/v1/wiki/connectors", body, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def _row(actor, connector_id: str) -> SavedConnector:
    with tenant_scope(actor.tenant.pk):
        return SavedConnector.objects.get(pk=connector_id)


def test_secret_is_encrypted_at_rest_and_masked_on_output(alice, settings):
    settings.WIKI_CONNECTOR_KEYS = K1
    saved = _save(alice)
    assert saved["config"]["secret_key"] == "****" + SECRET[-4:]
    assert saved["config"]["access_key"] == ACCESS  # not a secret field
    row = _row(alice, saved["id"])
    assert SECRET not in str(row.config) + str(row.secrets)
    assert set(row.secrets) == {"secret_key"} and len(row.secrets["secret_key"]["kid"]) == 8
    listed = alice.client().get("/v1/wiki/connectors/saved").json()
    assert listed["total"] == 1 and SECRET not in str(listed)
    assert listed["connectors"][0]["config"]["secret_key"] == "****1234"


def test_a_short_secret_shows_nothing_of_itself(alice):
    assert _save(alice, secret="abc123")["config"]["secret_key"] == "****"


def test_rotation_old_key_decrypts_reencrypt_moves_to_the_new(alice, settings, s3_server,
                                                              wiki_settings):  # fmt: skip
    s3_bucket(s3_server, "saved-repo")
    settings.WIKI_CONNECTOR_KEYS = K1
    saved = _save(alice, endpoint=s3_server)
    old_kid = _row(alice, saved["id"])
    settings.WIKI_CONNECTOR_KEYS = f"{K2},{K1}"  # the new key first, the old one kept
    r = alice.client().post("/v1/wiki/connectors/test", {"connector_id": saved["id"]},
                            format="json")  # fmt: skip
    assert r.status_code == 200, r.json()  # decrypted with the old key, reached moto
    assert r.json()["metadata"]["files_count"] == 3
    call_command("wiki_connectors_reencrypt")
    row = _row(alice, saved["id"])
    assert row.secrets["secret_key"]["kid"] != old_kid.secrets["secret_key"]["kid"]
    settings.WIKI_CONNECTOR_KEYS = K2  # the old key dropped: still readable
    listed = alice.client().get("/v1/wiki/connectors/saved").json()
    assert listed["connectors"][0]["config"]["secret_key"] == "****1234"
    browse = alice.client().post("/v1/wiki/connectors/browse", {"connector_id": saved["id"]},
                                 format="json")  # fmt: skip
    assert browse.status_code == 200 and browse.json()["total"] == 2
    settings.WIKI_CONNECTOR_KEYS = K3  # a key that never sealed it
    r = alice.client().post("/v1/wiki/connectors/browse", {"connector_id": saved["id"]},
                            format="json")  # fmt: skip
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "wiki_connector_secret_undecryptable"


def test_a_secret_copied_to_another_tenant_does_not_decrypt(alice, charlie, settings):
    settings.WIKI_CONNECTOR_KEYS = K1
    saved = _row(alice, _save(alice)["id"])
    with tenant_scope(charlie.tenant.pk):
        SavedConnector.objects.create(name="stolen", connector_type="s3", config=saved.config,
                                      secrets=saved.secrets)  # fmt: skip
    r = charlie.client().get("/v1/wiki/connectors/saved")
    assert r.status_code == 200 and SECRET not in r.content.decode()
    (stolen,) = r.json()["connectors"]
    assert stolen["config"]["secret_key"] == "****" and stolen["undecryptable"] == ["secret_key"]


def test_save_refuses_bad_input_and_stores_nothing(alice, wiki_settings):
    for body in (
        {"name": "x", "connector_type": "s3", "config": {"bucket": "b"}},
        {"name": "x", "connector_type": "nope", "config": {}},
        {"name": "", "connector_type": "local", "config": {"path": "/x"}},
        {"name": "x", "connector_type": "local", "config": ["path"]},
    ):
        r = alice.client().post("/v1/wiki/connectors", body, format="json")
        assert r.status_code == 400, body
    assert SavedConnector.unscoped.count() == 0


def test_saved_local_config_can_be_browsed_directly(alice, wiki_settings):
    write_tree(wiki_settings / "repo")
    r = alice.client().post("/v1/wiki/connectors", {"name": "local", "connector_type": "local",
                            "config": {"path": str(wiki_settings / "repo")}}, format="json")  # fmt: skip
    browse = alice.client().post("/v1/wiki/connectors/browse",
                                 {"connector_id": r.json()["id"], "path": "src"}, format="json")  # fmt: skip
    assert browse.status_code == 200 and browse.json()["path"] == "/src"
