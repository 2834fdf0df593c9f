"""Every change made in the operator console lands in the audit trail with the operator's name.

Django's admin records each add, change and deletion (and every action that calls
`self.log_change`) as a LogEntry through `LogEntry.objects.log_actions`. Wrapping that one
method catches every admin of every app, single saves and bulk deletions alike (a bulk
deletion is a `bulk_create` of log entries, which sends no post_save signal). The entries are
written before a deletion runs, so the object's tenant can still be read.

An AuditEvent belongs to a tenant's hash chain, so an event is written when the object has a
tenant (its `tenant_id`, the tenant itself, or a failed task whose kwargs name one). Objects
of the platform (a platform-wide IP rule, a user, a group) have no chain to join: their
LogEntry (/admin/admin/logentry/ for superusers) is their record."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.auth import get_user_model
from django.db import models

from apps.audit.services import audit_record

logger = logging.getLogger(__name__)
VERBS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}
_STATUS = {ADDITION: 201, CHANGE: 200, DELETION: 204}


def console_actor(username: str) -> str:
    """The operator, in the event's `request_id` (hashed into the chain with the event)."""
    return f"console:{username}"[:64]


def _row(model: type[models.Model], object_id: str) -> dict[str, Any] | None:
    fields = {f.attname for f in model._meta.concrete_fields}
    wanted = [name for name in ("tenant_id", "user_id", "kwargs") if name in fields]
    if not wanted:
        return None
    try:
        return model._base_manager.filter(pk=object_id).values(*wanted).first()
    except (ValueError, TypeError):  # an id the model's key cannot hold
        return None


def console_target(*, model: type[models.Model] | None, object_id: str) -> tuple[int | None, str]:
    """(tenant id, end user id) of a console object; (None, "") for a platform object."""
    if model is None:
        return None, ""
    if model._meta.label == "tenants.Tenant":
        return (int(object_id), "") if str(object_id).isdigit() else (None, "")
    row = _row(model, object_id)
    if row is None:
        return None, ""
    tenant_id = row.get("tenant_id")
    if tenant_id is None and isinstance(row.get("kwargs"), dict):  # a failed task's arguments
        value = row["kwargs"].get("tenant_id")
        tenant_id = int(value) if isinstance(value, int) or str(value).isdigit() else None
    user_id = row.get("user_id")
    return tenant_id, user_id if isinstance(user_id, str) else ""


def console_entry_record(entry: LogEntry) -> None:
    model = entry.content_type.model_class() if entry.content_type_id else None
    tenant_id, user_id = console_target(model=model, object_id=str(entry.object_id))
    username = get_user_model()._base_manager.filter(pk=entry.user_id).values_list(
        get_user_model().USERNAME_FIELD, flat=True
    ).first() or str(entry.user_id)
    verb = VERBS.get(entry.action_flag, "change")
    label = model._meta.label_lower if model is not None else "unknown"
    if tenant_id is None:
        logger.info(
            "console %s %s %s by %s (platform object: no tenant chain)",
            verb,
            label,
            entry.object_id,
            username,
        )
        return
    audit_record(
        tenant_id=tenant_id,
        api_key_id=None,
        action=f"console.{verb}",
        status_code=_STATUS.get(entry.action_flag, 200),
        target_type=label,
        target_id=str(entry.object_id),
        end_user_id=user_id,
        request_id=console_actor(username),
    )


def console_audit_install() -> None:
    """Wrap LogEntryManager.log_actions once (AuditConfig.ready)."""
    original = LogEntryManager.log_actions
    if getattr(original, "_console_audit", False):
        return

    def log_actions(self: LogEntryManager, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        entries: Iterable[LogEntry] = result if isinstance(result, list) else [result]
        for entry in entries:
            console_entry_record(entry)
        return result

    log_actions._console_audit = True  # type: ignore[attr-defined]
    LogEntryManager.log_actions = log_actions  # type: ignore[method-assign]
