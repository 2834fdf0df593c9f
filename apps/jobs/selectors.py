from __future__ import annotations

from django.db.models import QuerySet

from apps.core.errors import Forbidden, NotFound
from apps.jobs.kinds import job_kinds_readable, job_scopes
from apps.jobs.models import Job
from apps.tenants.models import ApiKey, Tenant


def job_list(*, tenant: Tenant, key: ApiKey) -> QuerySet[Job]:
    """The tenant's jobs whose kind's scope `key` holds; 403 when it holds none of them."""
    kinds = job_kinds_readable(key=key)
    if kinds == []:
        scopes = [s for s in job_scopes() if s != "admin"]
        raise Forbidden(
            f"Reading jobs needs a scope that reads some kind of job: {', '.join(scopes)}.",
            code="missing_scope",
            details={"scopes": scopes},
        )
    jobs = Job.objects.filter(tenant=tenant)
    return jobs if kinds is None else jobs.filter(kind__in=kinds)


def job_get(*, tenant: Tenant, key: ApiKey, job_id: str) -> Job:
    """One job, if `key` may read its kind; a job of a kind it may not read does not exist for
    it (as a job of another tenant)."""
    job = job_list(tenant=tenant, key=key).filter(pk=job_id).first()
    if job is None:
        raise NotFound("Job not found.", code="job_not_found")
    return job


# A string equal to the user id anywhere in the params (an import's user_id, a mem0 export's
# filters): the GDPR export and erasure (apps.privacy) find the jobs that name an end user.
_NAMES_USER = "jsonb_path_exists(params, '$.** ? (@ == $u)', jsonb_build_object('u', %s::text))"


def jobs_naming_user(*, tenant: Tenant, user_id: str) -> QuerySet[Job]:
    return Job.objects.filter(tenant=tenant).extra(where=[_NAMES_USER], params=[user_id])  # noqa: S610  (constant SQL, parameterised)
