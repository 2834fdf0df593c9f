"""Chain the events written before the hash chain existed, then let the append-only trigger
allow one UPDATE: the GDPR redaction (end_user_id and/or target_id blanked, `redacted` set,
nothing else changed). DELETE stays refused outside a tenant purge."""

from django.db import migrations

from apps.audit.chain import event_hash, ref

GENESIS = "0" * 64
COLUMNS = ("id", "tenant_id", "created_at", "api_key_id", "action", "status_code",
           "target_type", "target_id", "end_user_id", "client_ip", "request_id")  # fmt: skip

REDACTABLE = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('memplatform.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    -- GDPR redaction: only the raw end user id and target id may be blanked. The hash chain
    -- covers their keyed hashes, so it stays verifiable.
    IF TG_OP = 'UPDATE' AND NEW.redacted
       AND NEW.end_user_id IN ('', OLD.end_user_id) AND NEW.target_id IN ('', OLD.target_id)
       AND to_jsonb(NEW) - ARRAY['end_user_id', 'target_id', 'redacted']
           = to_jsonb(OLD) - ARRAY['end_user_id', 'target_id', 'redacted'] THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('memplatform.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def chain_existing(apps, schema_editor) -> None:  # noqa: ANN001
    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = AuditEvent._base_manager
    tenants = events.order_by().values_list("tenant_id", flat=True).distinct()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    for tenant_id in list(tenants):
        prev_hash, batch = GENESIS, []
        rows = events.filter(tenant_id=tenant_id).order_by("id").values(*COLUMNS)
        for row in rows.iterator(chunk_size=2000):
            row["end_user_ref"] = ref(tenant_id=tenant_id, value=row["end_user_id"])
            row["target_ref"] = ref(tenant_id=tenant_id, value=row["target_id"])
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = event_hash(row)
            batch.append(AuditEvent(**row))
            if len(batch) >= 2000:
                events.bulk_update(batch, ["end_user_ref", "target_ref", "prev_hash", "hash"])
                batch = []
        events.bulk_update(batch, ["end_user_ref", "target_ref", "prev_hash", "hash"])
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_fields")]
    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunSQL(REDACTABLE, APPEND_ONLY),
    ]
