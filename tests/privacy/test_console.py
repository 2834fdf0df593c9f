"""The console shows GDPR requests read-only, with the receipt, and suppressions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.privacy.data import post


@pytest.fixture
def operator(db) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("op", "", "pw"))
    return client


def test_an_erasure_shows_its_receipt_read_only_and_its_suppression(operator, alice):
    body = post(alice, "/v1/security/gdpr/delete", {"user_id": "u-console", "suppress": True})
    request_id = body["request_id"]
    listing = operator.get("/admin/privacy/privacyrequest/").content.decode()
    assert request_id in listing
    page = operator.get(f"/admin/privacy/privacyrequest/{request_id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert body["receipt"]["hash"] in html and "u-console" not in html
    assert 'name="_save"' not in html  # read-only: nothing to save
    assert operator.post(f"/admin/privacy/privacyrequest/{request_id}/delete/",
                         {"post": "yes"}).status_code == 403  # fmt: skip
    assert operator.get("/admin/privacy/privacyrequest/add/").status_code == 403
    suppressions = operator.get("/admin/privacy/suppression/").content.decode()
    assert body["receipt"]["subject"][:12] in suppressions
