"""The audit trail in the console, the console's own changes in it, and failed tasks."""

from __future__ import annotations

import pytest
from celery.result import AsyncResult

from apps.audit.models import AuditEvent
from apps.core.models import FailedTask
from apps.tenants.models import Tenant
from tests.audit.helpers import record
from tests.console.staff import console_client, console_events, run_action

EVENTS = "/admin/audit/auditevent/"
FAILED = "/admin/core/failedtask/"


def test_audit_events_filter_and_verify_per_tenant(alice, charlie):
    mine, theirs = record(alice.tenant, end_user_id="u1"), record(charlie.tenant)
    carol = console_client("carol", groups=("compliance",))
    page = carol.get(f"{EVENTS}?tenant__id__exact={alice.tenant.pk}").content.decode()
    assert mine.hash[:12] in page and theirs.hash[:12] not in page
    for query in (
        "status_code=200",
        "status_code=abc",
        "created_at__gte=2000-01-01",
        "action=console.add",
    ):
        assert carol.get(f"{EVENTS}?{query}").status_code == 200
    assert f"{EVENTS}verify/{alice.tenant.pk}/" in page  # offered on the tenant's list
    verified = carol.get(f"{EVENTS}verify/{alice.tenant.pk}/", follow=True).content.decode()
    assert "Audit chain of acme: ok, 1 events checked" in verified
    assert carol.post(f"{EVENTS}{AuditEvent.unscoped.first().pk}/delete/").status_code == 403


def test_a_console_change_of_a_tenant_is_audited_with_the_operators_name(alice):
    root = console_client("root", superuser=True)
    tenant = Tenant.objects.get(pk=alice.tenant.pk)
    before = AuditEvent.unscoped.filter(tenant=tenant).count()
    failed = FailedTask.objects.create(
        task_name="x.y", task_id="t-1", exception="boom", kwargs={"tenant_id": tenant.pk}
    )
    run_action(root, FAILED, "discard", [failed.pk])
    assert not FailedTask.objects.filter(pk=failed.pk).exists()
    [event] = console_events(tenant_id=tenant.pk, username="root")
    assert (event.action, event.target_type, event.target_id) == (
        "console.change",
        "core.failedtask",
        str(failed.pk),
    )
    assert AuditEvent.unscoped.filter(tenant=tenant).count() == before + 1


@pytest.mark.worker
def test_a_failed_task_retried_from_the_console_runs_again(celery_worker, db):
    failed = FailedTask.objects.create(
        task_name="apps.health.tasks.ping",
        task_id="t-ping",
        exception="TimeoutError",
        kwargs={"payload": "again"},
    )
    otto = console_client("otto", groups=("operator",))
    assert "apps.health.tasks.ping" in otto.get(FAILED).content.decode()
    page = run_action(otto, FAILED, "retry", [failed.pk])
    assert "1 task(s) sent again." in page
    failed.refresh_from_db()
    assert failed.retried_at is not None and failed.retry_task_id
    assert AsyncResult(failed.retry_task_id).get(timeout=60)["pong"] == "again"


def test_support_can_neither_retry_nor_discard(db):
    failed = FailedTask.objects.create(
        task_name="apps.health.tasks.ping", task_id="t-2", exception="x"
    )
    sue = console_client("sue", groups=("support",))
    assert sue.get(f"{FAILED}{failed.pk}/change/").status_code == 200
    for action in ("retry", "discard"):
        run_action(sue, FAILED, action, [failed.pk])
    failed.refresh_from_db()
    assert failed.retried_at is None
