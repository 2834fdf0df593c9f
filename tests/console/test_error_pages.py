"""Errors under /admin/ are pages for people; the API keeps its JSON envelope."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.jobs.admin import JobAdmin

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = get_user_model().objects.create_superuser("op", "", "pw")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_a_crash_in_the_console_is_an_html_page(operator, monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setattr(JobAdmin, "get_queryset", boom)
    response = operator.get("/admin/jobs/job/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Something went wrong" in page and "boom" not in page
    assert "<link" not in page and "<script" not in page  # no external assets


def test_a_crash_in_the_api_is_the_envelope(alice, monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setattr("apps.tenants.selectors.api_key_list", boom)
    client = alice.client()
    client.raise_request_exception = False
    response = client.get("/v1/admin/keys")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


def test_console_404_and_403_are_pages(operator, db):
    page = operator.get("/admin/no-such-page/")
    assert page.status_code == 404 and "Page not found" in page.content.decode()
    staff = get_user_model().objects.create_user("support", "", "pw", is_staff=True)
    limited = Client()
    limited.force_login(staff)
    denied = limited.get("/admin/audit/auditevent/")
    assert denied.status_code == 403 and "Forbidden" in denied.content.decode()
    assert denied["Content-Type"].startswith("text/html")


def test_api_404_keeps_the_envelope(alice):
    response = alice.client().get("/v1/no-such-route")
    assert response.status_code == 404
    assert response.json()["error"]["type"]
