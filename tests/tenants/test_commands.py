from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.tenants.models import ApiKey, Tenant


@pytest.mark.django_db
def test_create_tenant_then_key_printed_alone_on_the_last_line():
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    assert Tenant.objects.get(slug="initech").name == "Initech"
    out = StringIO()
    call_command(
        "create_api_key", "--tenant", "initech", "--scopes", "memory,admin", "--name", "cli",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    key = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listing = client.get("/v1/admin/keys").json()["results"]
    assert [(k["name"], k["scopes"]) for k in listing] == [("cli", ["admin", "memory"])]


@pytest.mark.django_db
def test_admin_flag_makes_a_platform_admin_key():
    call_command("create_tenant", "ops", stdout=StringIO())
    out = StringIO()
    call_command("create_api_key", "--tenant", "ops", "--admin", stdout=out, stderr=StringIO())
    assert ApiKey.unscoped.get().is_platform_admin


@pytest.mark.django_db
def test_bad_input_to_commands_is_a_clear_error():
    with pytest.raises(CommandError, match="slug"):
        call_command("create_tenant", "Not A Slug", stdout=StringIO())
    with pytest.raises(CommandError, match="not found"):
        call_command("create_api_key", "--tenant", "nobody", stdout=StringIO())
    call_command("create_tenant", "dup", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_tenant", "dup", stdout=StringIO())
    with pytest.raises(CommandError, match="Unknown scopes"):
        call_command(
            "create_api_key", "--tenant", "dup", "--scopes", "memory,god", stdout=StringIO()
        )


@pytest.mark.django_db
def test_bootstrap_is_idempotent():
    first, second = StringIO(), StringIO()
    call_command("bootstrap", stdout=first)
    call_command("bootstrap", stdout=second)
    assert "mpk_" in first.getvalue() and "password" in first.getvalue()
    assert second.getvalue() == ""
    assert ApiKey.unscoped.filter(is_platform_admin=True).count() == 1
