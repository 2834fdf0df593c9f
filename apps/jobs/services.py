from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.db.models.expressions import RawSQL
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


def job_queue(*, tenant: Tenant, kind: str, params: dict[str, Any] | None = None) -> Job:
    """A job that a worker will claim (`job_claim`); its total is set when work starts."""
    return Job.unscoped.create(
        tenant=tenant, kind=kind, status=Job.Status.QUEUED, params=params or {}
    )


def job_claim(*, job_id: str, stale_before: datetime) -> Job | None:
    """Take a queued job, or a running one without progress since `stale_before` (its worker was
    lost and the task was delivered again): one conditional UPDATE, so two workers never both
    take it. None when it is not there to take (done, failed, cancelled, running elsewhere)."""
    claimable = Q(status=Job.Status.QUEUED) | Q(
        status=Job.Status.RUNNING, updated_at__lt=stale_before
    )
    taken = Job.unscoped.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING, updated_at=timezone.now()
    )
    return Job.unscoped.select_related("tenant").get(pk=job_id) if taken else None


def job_params_merge(*, job_id: str, values: dict[str, Any]) -> None:
    """Merge `values` into a job's params in one statement (a worker's counts and an API's cancel
    request do not overwrite each other)."""
    Job.unscoped.filter(pk=job_id).update(
        params=RawSQL("params || %s::jsonb", (json.dumps(values),)), updated_at=timezone.now()
    )


def job_fail(*, job_id: str, message: str, only_status: str | None = None) -> bool:
    """Mark a job failed with `message` (if it is still in `only_status`, when given)."""
    jobs = Job.unscoped.filter(pk=job_id)
    if only_status:
        jobs = jobs.filter(status=only_status)
    now = timezone.now()
    return bool(
        jobs.update(status=Job.Status.FAILED, message=message, finished_at=now, updated_at=now)
    )


def jobs_fail_stale(*, kind: str, stale_before: datetime, message: str) -> int:
    """Fail the running jobs of `kind` without progress since `stale_before` (a lost worker):
    they show a visible error instead of staying `running` for ever."""
    now = timezone.now()
    return Job.unscoped.filter(
        kind=kind, status=Job.Status.RUNNING, updated_at__lt=stale_before
    ).update(status=Job.Status.FAILED, message=message, finished_at=now, updated_at=now)
