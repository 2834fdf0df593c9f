"""Tenant scoping that fails closed.

Every tenant-owned model inherits `TenantOwnedModel`. Its default manager (`objects`) refuses to
build a query unless a tenant scope is active, and then filters by that tenant, so a forgotten
filter is an exception instead of a data leak. The scope is a context variable entered by the
base API view (from the API key), by tasks (from their `tenant_id` argument) and by commands.

`unscoped` is the explicit escape hatch: authentication (the key decides the tenant, so it
cannot be known before the lookup), the operator console and data migrations use it. Every use
is deliberate; grep for `unscoped` and `all_tenants_scope` to audit them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

_ALL = -1  # sentinel: the operator console sees every tenant
_current: ContextVar[int | None] = ContextVar("memplatform_tenant_id", default=None)


class TenantScopeError(RuntimeError):
    """Raised when tenant-owned data is touched without (or across) a tenant scope."""


def current_tenant_id() -> int | None:
    value = _current.get()
    return None if value == _ALL else value


@contextmanager
def tenant_scope(tenant_id: int) -> Iterator[None]:
    token = _current.set(int(tenant_id))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def all_tenants_scope() -> Iterator[None]:
    """Operator access across tenants (admin console, maintenance commands)."""
    token = _current.set(_ALL)
    try:
        yield
    finally:
        _current.reset(token)


class TenantScopedManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        tenant_id = _current.get()
        if tenant_id is None:
            raise TenantScopeError(
                f"{self.model.__name__} queried without a tenant scope; "
                "enter tenant_scope(...) or use .unscoped deliberately"
            )
        queryset = super().get_queryset()
        return queryset if tenant_id == _ALL else queryset.filter(tenant_id=tenant_id)


class TenantOwnedModel(models.Model):
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantScopedManager()
    unscoped = models.Manager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "unscoped"

    def save(self, *args: Any, **kwargs: Any) -> None:
        scope = _current.get()
        if self.tenant_id is None:
            if scope in (None, _ALL):
                raise TenantScopeError(f"{type(self).__name__} saved without a tenant")
            self.tenant_id = scope
        elif scope not in (None, _ALL) and self.tenant_id != scope:
            raise TenantScopeError(
                f"{type(self).__name__} of another tenant written in scope {scope}"
            )
        super().save(*args, **kwargs)


def enter_tenant_scope(tenant_id: int) -> object:
    """For code that cannot use a `with` block (the base API view); pair with exit_tenant_scope."""
    return _current.set(int(tenant_id))


def exit_tenant_scope(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
