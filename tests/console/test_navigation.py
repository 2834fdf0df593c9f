"""The console's sidebar: grouped by domain, built from the registered admins."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from apps.jobs.models import Job


@pytest.fixture
def operator(db) -> Client:
    user = get_user_model().objects.create_superuser("op", "", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_sidebar_groups_registered_models_by_domain(operator):
    page = operator.get("/admin/").content.decode()
    assert "MemPlatform console" in page
    for group in ("Tenants &amp; keys", "Security", "Operations"):
        assert group in page
    assert "/admin/tenants/apikey/" in page and "/admin/jobs/job/" in page


def test_an_unregistered_model_is_simply_absent(operator):
    model_admin = admin.site._registry.pop(Job)
    try:
        page = operator.get("/admin/")
        assert page.status_code == 200
        assert "/admin/jobs/job/" not in page.content.decode()
    finally:
        admin.site._registry[Job] = model_admin


def test_staff_sees_only_the_models_they_may_view(db):
    user = get_user_model().objects.create_user("support", "", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_job"))
    client = Client()
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "/admin/jobs/job/" in page
    assert "/admin/tenants/apikey/" not in page
