"""Multimodal items in GDPR export and erasure, and the processing gates on /store."""

from __future__ import annotations

import base64

import pytest

from apps.core.tenancy import tenant_scope
from apps.multimodal.models import MultimodalItem, MultimodalObject
from apps.privacy import services as privacy
from tests.multimodal.helpers import store, vec

pytestmark = pytest.mark.django_db
RAW = b"private-bytes-qxmark7391"


def _fill(actor, user_id: str) -> str:
    body = store(actor, user_id, [
        {"type": "text", "text": "my qxmark7391 photo"},
        {"type": "image", "embedding": vec(1), "caption": "qxmark7391 caption",
         "data": base64.b64encode(RAW).decode(), "mime_type": "image/png"},
    ])  # fmt: skip
    assert body.status_code == 200, body.content
    return body.json()["id"]


def test_export_carries_items_with_their_objects(alice):
    item_id = _fill(alice, "u1")
    _fill(alice, "u2")
    response = alice.client().post("/v1/security/gdpr/export", {"user_id": "u1"}, format="json")
    assert response.status_code == 200, response.content
    rows = response.json()["export"]["multimodal_items"]
    assert [r["id"] for r in rows] == [item_id]
    assert rows[0]["text"] == "my qxmark7391 photo" and len(rows[0]["image_embedding"]) == 512
    assert base64.b64decode(rows[0]["objects"][0]["data_base64"]) == RAW


def test_erasure_removes_items_and_objects_of_that_user_only(alice):
    _fill(alice, "u1")
    kept = _fill(alice, "u2")
    dry = alice.client().post("/v1/security/gdpr/delete", {"user_id": "u1", "dry_run": True},
                              format="json")  # fmt: skip
    assert dry.json()["receipt"]["counts"]["multimodal_items"] == 2  # the item and its object
    response = alice.client().post("/v1/security/gdpr/delete", {"user_id": "u1"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "ok", response.content
    assert not MultimodalItem.unscoped.filter(user_id="u1").exists()
    assert not MultimodalObject.unscoped.filter(user_id="u1").exists()
    assert [str(i.pk) for i in MultimodalItem.unscoped.filter(user_id="u2")] == [kept]
    assert MultimodalObject.unscoped.filter(user_id="u2").count() == 1


def test_a_suppressed_user_cannot_store(alice):
    with tenant_scope(alice.tenant.pk):
        privacy.suppression_create(tenant=alice.tenant, request=None, key=alice.key,
                                   subject=privacy.subject_of(tenant_id=alice.tenant.pk,
                                                              user_id="u1"))  # fmt: skip
    response = store(alice, "u1", [{"type": "text", "text": "hello"}])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "user_suppressed"
    assert not MultimodalItem.unscoped.exists()
    image = {"type": "image_url", "image_url": {"url": "https://example.com/x.png"}}
    add = alice.client().post("/v3/memories/add/", {"user_id": "u1", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "hi"}, image]}]}, format="json")  # fmt: skip
    assert add.status_code == 403 and not MultimodalItem.unscoped.exists()
