"""GDPR erasure and suppression.

The erasure walks the per-user data registry (apps.memories.registry) in its `order`, one
collection after another, each eraser in its own transactions (chunked by the collection). A
collection that fails does not stop the others: the answer is `partial` with the failed
collections listed, and the same request again (the same user id, while the last erasure of that
user is partial) runs every eraser again, which are idempotent, and completes the same receipt.

What outlives the erasure names the user only by `subject` (HMAC of the tenant and the user id
under SECRET_KEY): the receipt, and the suppression that refuses later adds for that user."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import Forbidden, NotFound
from apps.memories.registry import user_data_list
from apps.privacy.models import PrivacyRequest, Suppression
from apps.tenants.models import ApiKey, Tenant

logger = logging.getLogger(__name__)
RECEIPT_VERSION = 1


def subject_of(*, tenant_id: int, user_id: str) -> str:
    message = f"{tenant_id}:{user_id}".encode("utf-8", "surrogatepass")
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _scrub(text: str, user_id: str) -> str:
    """An error message may quote a value; the receipt must not hold the user id."""
    return text.replace(user_id, "<user>")[:500] if user_id else text[:500]


# --- receipts ---------------------------------------------------------------------------------


def receipt_body(request: PrivacyRequest) -> dict[str, Any]:
    """The canonical receipt: everything the hash covers. No user id, only the subject."""
    return {
        "version": RECEIPT_VERSION,
        "id": str(request.id),
        "kind": request.kind,
        "tenant": request.tenant.slug,
        "subject": request.subject,
        "dry_run": request.dry_run,
        "status": request.status,
        "counts": dict(sorted(request.counts.items())),
        "errors": list(request.errors),
        "created_at": request.created_at.isoformat(),
        "finished_at": request.finished_at.isoformat() if request.finished_at else None,
    }


def receipt_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def receipt_of(request: PrivacyRequest) -> dict[str, Any]:
    return {**receipt_body(request), "hash": request.receipt_hash}


# --- erasure ----------------------------------------------------------------------------------


@dataclass
class Erasure:
    request: PrivacyRequest
    ok: bool


def _pending_erasure(*, tenant: Tenant, subject: str) -> PrivacyRequest | None:
    """The user's last erasure, if it left something behind (a retry completes it)."""
    last = (
        PrivacyRequest.objects.filter(
            tenant=tenant, kind=PrivacyRequest.Kind.ERASURE, subject=subject, dry_run=False
        )
        .order_by("-created_at")
        .first()
    )
    return last if last is not None and last.status == PrivacyRequest.Status.PARTIAL else None


def erasure_run(
    *, tenant: Tenant, user_id: str, key: ApiKey | None, dry_run: bool = False,
    suppress: bool = False,
) -> Erasure:  # fmt: skip
    subject = subject_of(tenant_id=tenant.pk, user_id=user_id)
    request = None if dry_run else _pending_erasure(tenant=tenant, subject=subject)
    if request is None:
        request = PrivacyRequest.objects.create(
            tenant=tenant, kind=PrivacyRequest.Kind.ERASURE, subject=subject, dry_run=dry_run,
            status=PrivacyRequest.Status.RUNNING, api_key_id=key.pk if key else None,
        )  # fmt: skip
    if suppress and not dry_run:
        suppression_create(tenant=tenant, subject=subject, request=request, key=key)
    counts: dict[str, int] = dict(request.counts)
    errors: list[str] = []
    for entry in user_data_list():
        try:
            if dry_run:
                counts[entry.name] = entry.count(tenant=tenant, user_id=user_id)
            else:
                counts[entry.name] = counts.get(entry.name, 0) + entry.erase(
                    tenant=tenant, user_id=user_id
                )
        except Exception as exc:
            logger.exception("erasure %s: collection %s failed", request.id, entry.name)
            errors.append(f"{entry.name}: {_scrub(f'{type(exc).__name__}: {exc}', user_id)}")
    request.counts = counts
    request.errors = errors
    request.status = PrivacyRequest.Status.PARTIAL if errors else PrivacyRequest.Status.DONE
    request.finished_at = timezone.now()
    request.receipt_hash = receipt_hash(receipt_body(request))
    request.save(update_fields=["counts", "errors", "status", "finished_at", "receipt_hash"])
    return Erasure(request=request, ok=not errors)


# --- suppression ------------------------------------------------------------------------------


def suppression_active(*, tenant: Tenant, subject: str) -> Suppression | None:
    return Suppression.objects.filter(tenant=tenant, subject=subject, lifted_at=None).first()


def suppression_create(
    *, tenant: Tenant, subject: str, request: PrivacyRequest | None, key: ApiKey | None
) -> Suppression:
    existing = suppression_active(tenant=tenant, subject=subject)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Suppression.objects.create(
                tenant=tenant, subject=subject, request_id=request.id if request else None,
                api_key_id=key.pk if key else None,
            )  # fmt: skip
    except IntegrityError:  # a concurrent request created it
        return Suppression.objects.get(tenant=tenant, subject=subject, lifted_at=None)


def suppression_lift(*, tenant: Tenant, user_id: str) -> Suppression:
    subject = subject_of(tenant_id=tenant.pk, user_id=user_id)
    suppression = suppression_active(tenant=tenant, subject=subject)
    if suppression is None:
        raise NotFound("No active suppression for this user.", code="suppression_not_found")
    suppression.lifted_at = timezone.now()
    suppression.save(update_fields=["lifted_at"])
    return suppression


def suppression_gate(*, tenant: Tenant, user_id: str, activity: str) -> None:
    """Processing gate (apps.memories.registry): nothing is stored or extracted for a suppressed
    user. "chat" is let through without a query: chat's write-back is an add, refused here as a
    "store", and an erased, suppressed user has nothing to read; a query here would also make
    chat fail when the database is down, where it must answer without memory (degraded mode)."""
    if activity == "chat":
        return
    if suppression_active(tenant=tenant, subject=subject_of(tenant_id=tenant.pk, user_id=user_id)):
        raise Forbidden(
            "This user's data was erased and further processing is suppressed; lift the "
            "suppression (DELETE /v1/security/gdpr/suppressions/{user_id}) to store again.",
            code="user_suppressed",
        )
