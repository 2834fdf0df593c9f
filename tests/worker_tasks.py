"""Tasks loaded only by the test worker (`--include tests.worker_tasks`)."""

from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope
from apps.tenants.models import ApiKey


@shared_task(name="tests.count_keys", acks_late=True)
def count_keys(tenant_id: int) -> int:
    with tenant_scope(tenant_id):
        return ApiKey.objects.count()


@shared_task(name="tests.always_fails", acks_late=True)
def always_fails(tenant_id: int) -> None:
    raise ValueError("this task always fails")
