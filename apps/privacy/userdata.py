"""The privacy app's own entries in the per-user data registry: the user's consents, their
export requests (which hold the user id in clear, and the zip files on disk), and, from
apps.audit, the audit events about them. Erasure requests and suppressions name the user by
subject only and are not user data (the model walk in tests/privacy lists them as exempt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from apps.memories.registry import UserData, user_data_register
from apps.privacy.models import Consent, PrivacyRequest
from apps.tenants.models import Tenant


def user_consents(*, tenant: Tenant, user_id: str) -> QuerySet[Consent]:
    return Consent.objects.filter(tenant=tenant, user_id=user_id)


def consents_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    rows = user_consents(tenant=tenant, user_id=user_id).order_by("recorded_at", "id")
    yield from rows.values("purpose", "granted", "policy_version", "method", "api_key_id",
                           "recorded_at")  # fmt: skip


def consents_count(*, tenant: Tenant, user_id: str) -> int:
    return user_consents(tenant=tenant, user_id=user_id).count()


def consents_erase(*, tenant: Tenant, user_id: str) -> int:
    return user_consents(tenant=tenant, user_id=user_id).delete()[0]


def user_exports(*, tenant: Tenant, user_id: str) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(
        tenant=tenant, kind=PrivacyRequest.Kind.EXPORT, user_id=user_id
    )


def exports_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    rows = user_exports(tenant=tenant, user_id=user_id).order_by("created_at")
    yield from rows.values("id", "status", "counts", "created_at", "finished_at", "expires_at")


def exports_count(*, tenant: Tenant, user_id: str) -> int:
    return user_exports(tenant=tenant, user_id=user_id).count()


def exports_erase(*, tenant: Tenant, user_id: str) -> int:
    """The requests and their zip files (a file first: a request is never left pointing at a
    file nobody can find again)."""
    requests = list(user_exports(tenant=tenant, user_id=user_id))
    for request in requests:
        if request.file_path:
            Path(request.file_path).unlink(missing_ok=True)
    return PrivacyRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()[0]


def _audit_entry() -> UserData | None:
    """apps.audit's selectors and services for the events about a user, once it has them:
    redaction keeps the fact of each event (and the hash chain) and drops the user id."""
    try:
        from apps.audit import selectors as audit_selectors
        from apps.audit import services as audit_services
    except ImportError:  # apps.audit without its selectors yet
        return None

    export = getattr(audit_selectors, "audit_events_for_user", None)
    count = getattr(audit_services, "audit_user_count", None)
    redact = getattr(audit_services, "audit_user_redact", None)
    if not (export and count and redact):
        return None

    def audit_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
        return export(tenant_id=tenant.pk, user_id=user_id)

    def audit_count(*, tenant: Tenant, user_id: str) -> int:
        return count(tenant_id=tenant.pk, user_id=user_id)

    def audit_erase(*, tenant: Tenant, user_id: str) -> int:
        return redact(tenant_id=tenant.pk, user_id=user_id)

    return UserData(name="audit_events", export=audit_export, count=audit_count,
                    erase=audit_erase, models=("audit.AuditEvent",), order=200)  # fmt: skip


def privacy_user_data_register() -> None:
    user_data_register(
        UserData(
            name="consents",
            export=consents_export,
            count=consents_count,
            erase=consents_erase,
            models=("privacy.Consent",),
            order=100,
        )
    )
    user_data_register(UserData(name="export_requests", export=exports_export,
                                count=exports_count, erase=exports_erase,
                                models=("privacy.PrivacyRequest",), order=110))  # fmt: skip
    audit = _audit_entry()
    if audit is not None:
        user_data_register(audit)
