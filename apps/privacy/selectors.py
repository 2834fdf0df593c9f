from __future__ import annotations

from typing import Any

from django.urls import reverse

from apps.core.errors import NotFound
from apps.jobs.models import Job
from apps.privacy.models import PrivacyRequest
from apps.privacy.services import receipt_of
from apps.tenants.models import Tenant


def privacy_request_get(*, tenant: Tenant, request_id: str) -> PrivacyRequest:
    request = (
        PrivacyRequest.objects.select_related("tenant").filter(tenant=tenant, pk=request_id).first()
    )
    if request is None:
        raise NotFound("Privacy request not found.", code="privacy_request_not_found")
    return request


def privacy_request_out(request: PrivacyRequest) -> dict[str, Any]:
    """What a request shows: status, progress, counts and, for an erasure, its receipt."""
    out: dict[str, Any] = {
        "id": str(request.pk), "kind": request.kind, "status": request.status,
        "dry_run": request.dry_run, "counts": request.counts, "errors": request.errors,
        "created_at": request.created_at.isoformat(),
        "finished_at": request.finished_at.isoformat() if request.finished_at else None,
        "status_url": reverse("privacy-request", kwargs={"request_id": request.pk}),
    }  # fmt: skip
    if request.kind == PrivacyRequest.Kind.ERASURE:
        out["receipt"] = receipt_of(request)
        return out
    job = Job.objects.filter(pk=request.job_id).first() if request.job_id else None
    out["user_id"] = request.user_id
    out["job"] = (
        {"id": str(job.pk), "status": job.status, "done": job.done, "total": job.total,
         "percent": job.percent} if job else None
    )  # fmt: skip
    out["expires_at"] = request.expires_at.isoformat() if request.expires_at else None
    out["file_sha256"] = request.file_sha256 or None
    out["download_url"] = (
        reverse("privacy-download", kwargs={"request_id": request.pk})
        if request.status == PrivacyRequest.Status.DONE else None
    )  # fmt: skip
    return out
