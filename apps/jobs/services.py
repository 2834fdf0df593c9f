from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.jobs.models import Job
from apps.tenants.models import Tenant


def job_start(
    *, tenant: Tenant, kind: str, total: int, params: dict[str, Any] | None = None
) -> Job:
    return Job.unscoped.create(
        tenant=tenant, kind=kind, total=total, status=Job.Status.RUNNING, params=params or {}
    )


def job_progress(*, job: Job, done: int, total: int | None = None) -> None:
    job.done = done
    fields = {"done": done, "updated_at": timezone.now()}
    if total is not None:
        job.total = fields["total"] = total
    Job.unscoped.filter(pk=job.pk).update(**fields)


def job_finish(*, job: Job, ok: bool = True, message: str = "") -> None:
    job.status = Job.Status.DONE if ok else Job.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at", "updated_at"])


def jobs_user_erase(*, tenant: Tenant, user_id: str) -> int:
    """Delete the jobs whose params name an end user (GDPR erasure; their staged import rows go
    with them). Idempotent."""
    from apps.jobs.selectors import jobs_naming_user

    ids = list(jobs_naming_user(tenant=tenant, user_id=user_id).values_list("pk", flat=True))
    Job.objects.filter(pk__in=ids).delete()
    return len(ids)
