"""Migration 0004 chains the events written before the chain existed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.audit.chain import chain_verify
from apps.audit.models import GENESIS, AuditEvent

BEFORE = [("audit", "0002_append_only")]
INSERT = """INSERT INTO audit_auditevent (tenant_id, api_key_id, action, target_type, target_id,
    end_user_id, client_ip, status_code, request_id, created_at)
    VALUES (%s, 1, 'POST /v1/memory/add', 'memory', %s, 'u1', '::ffff:1.2.3.4', 201, 'r', now())"""


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_events_are_chained_and_the_trigger_still_guards(alice, charlie):
    latest = [("audit", MigrationExecutor(connection).loader.graph.leaf_nodes("audit")[0][1])]
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for i in range(4):
                for tenant in (alice.tenant, charlie.tenant):
                    cursor.execute(INSERT, [tenant.pk, f"m{i}"])
    finally:
        migrate(latest)
    for tenant in (alice.tenant, charlie.tenant):
        result = chain_verify(tenant_id=tenant.pk)
        assert result.ok and result.events_checked == 4
    first = AuditEvent.unscoped.filter(tenant=alice.tenant).order_by("id").first()
    assert first.prev_hash == GENESIS and first.end_user_ref and first.target_ref
    with pytest.raises(Exception, match="append-only"):
        AuditEvent.unscoped.filter(pk=first.pk).update(status_code=500)
