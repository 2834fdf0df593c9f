"""The tenant page: usage from the rollup, keys, and settings edited in a validated form."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.console.tasks import rollup_usage
from apps.core.degraded import redis_recovered
from apps.tenants.models import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    user = get_user_model().objects.create_superuser("op", "", "pw")
    client = Client()
    client.force_login(user)
    return client


def form(tenant: Tenant, **changes: object) -> dict:
    data = {"slug": tenant.slug, "name": tenant.name, "status": tenant.status,
            "extractor": "", "reconciler": "", "chat_infer": "on"}  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_tenant_page_shows_usage_and_keys(operator, alice):
    redis_recovered()  # counts are skipped while Redis is marked down by a test before
    alice.client().get("/v1/admin/keys")
    rollup_usage()
    page = operator.get(f"/admin/tenants/tenant/{alice.tenant.pk}/change/").content.decode()
    assert 'id="tenant-usage"' in page and "<dt>API requests</dt><dd>1</dd>" in page
    assert 'id="tenant-keys"' in page and alice.key.prefix in page
    assert alice.secret not in page
    assert 'name="rate_limit_per_minute"' in page and 'name="settings"' not in page


def test_settings_saved_from_fields(operator, tenant_a):
    tenant_a.settings = {"language": "fr"}
    tenant_a.save()
    url = f"/admin/tenants/tenant/{tenant_a.pk}/change/"
    changes = {"rate_limit_per_minute": "30", "extractor": "rules", "required_consents":
               "data_processing, analytics", "heat_alpha": "2.5", "chat_infer": None}  # fmt: skip
    response = operator.post(url, form(tenant_a, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    tenant_a.refresh_from_db()
    assert tenant_a.settings == {
        "language": "fr",  # a key the form does not show is kept
        "rate_limit_per_minute": 30,
        "extractor": "rules",
        "chat_infer": False,
        "required_consents": ["data_processing", "analytics"],
        "heat": {"alpha": 2.5},
    }
    operator.post(url, form(tenant_a, rate_limit_per_minute=""))
    tenant_a.refresh_from_db()
    assert tenant_a.settings == {"language": "fr"}  # empty fields: platform defaults


@pytest.mark.parametrize(
    "field,value,message",
    [("rate_limit_per_minute", "-5", "greater than or equal to 1"),
     ("rate_limit_per_minute", "many", "Enter a whole number"),
     ("extractor", "gpt", "Select a valid choice"),
     ("required_consents", "Data Processing!", "Not a purpose name"),
     ("heat_beta", "-1", "greater than or equal to 0")],
)  # fmt: skip
def test_an_invalid_setting_is_refused_and_nothing_saved(operator, tenant_a, field, value, message):
    tenant_a.settings = {"rate_limit_per_minute": 100}
    tenant_a.save()
    before = Tenant.objects.values().get(pk=tenant_a.pk)
    url = f"/admin/tenants/tenant/{tenant_a.pk}/change/"
    response = operator.post(url, form(tenant_a, **{field: value, "name": "renamed"}))
    assert response.status_code == 200  # the form again, with its error
    assert message in response.content.decode()
    assert Tenant.objects.values().get(pk=tenant_a.pk) == before
