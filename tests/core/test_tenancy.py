from __future__ import annotations

import pytest

from apps.core.tenancy import TenantScopeError, all_tenants_scope, tenant_scope
from apps.tenants.models import ApiKey


def test_tenant_owned_query_without_scope_fails_closed(alice):
    with pytest.raises(TenantScopeError):
        ApiKey.objects.count()


def test_scope_shows_only_own_tenant_rows(alice, bob, charlie):
    with tenant_scope(alice.tenant.pk):
        assert set(ApiKey.objects.values_list("name", flat=True)) == {"alice", "bob"}
    with tenant_scope(charlie.tenant.pk):
        assert list(ApiKey.objects.values_list("name", flat=True)) == ["charlie"]
        assert not ApiKey.objects.filter(pk=alice.key.pk).exists()


def test_writing_another_tenants_row_inside_a_scope_is_refused(alice, charlie):
    with tenant_scope(charlie.tenant.pk), pytest.raises(TenantScopeError):
        alice.key.name = "renamed"
        alice.key.save()
    alice.key.refresh_from_db()
    assert alice.key.name == "alice"


def test_new_rows_take_the_scope_tenant(alice):
    with tenant_scope(alice.tenant.pk):
        key = ApiKey(name="scoped", prefix="0123456789ab", digest="x" * 64)
        key.save()
    assert key.tenant_id == alice.tenant.pk


def test_console_scope_sees_all_tenants(alice, charlie):
    with all_tenants_scope():
        assert ApiKey.objects.count() == 2
