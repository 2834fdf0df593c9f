from __future__ import annotations

import uuid

from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.jobs.models import Job
from apps.jobs.selectors import job_list
from apps.tenants.models import ApiKey, Tenant
from apps.wiki.models import WikiPage

JOB_KIND = "wiki"


def wiki_jobs(*, tenant: Tenant, key: ApiKey) -> QuerySet[Job]:
    return job_list(tenant=tenant, key=key).filter(kind=JOB_KIND)


def wiki_job_get(*, tenant: Tenant, key: ApiKey, job_id: str) -> Job:
    """A wiki job of the tenant; anything else (another tenant's, another kind, not an id) is
    404 `job_not_found`."""
    try:
        pk = uuid.UUID(job_id.removeprefix("wiki-"))
    except ValueError:
        raise NotFound("Job not found.", code="job_not_found") from None
    job = wiki_jobs(tenant=tenant, key=key).filter(pk=pk).first()
    if job is None:
        raise NotFound("Job not found.", code="job_not_found")
    return job


def wiki_job_pages(*, job: Job) -> QuerySet[WikiPage]:
    wiki_id = job.params.get("wiki_id")
    if not wiki_id:
        return WikiPage.objects.none()
    return WikiPage.objects.filter(tenant=job.tenant, wiki_id=wiki_id).order_by("path")


def wiki_page_get(*, job: Job, path: str) -> WikiPage:
    page = wiki_job_pages(job=job).filter(path=path).first()
    if page is None:
        raise NotFound("Page not found.", code="page_not_found")
    return page
