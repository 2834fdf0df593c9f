from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, reject_on_worker_lost=True,
             soft_time_limit=3300, time_limit=3600, queue="wiki")  # fmt: skip
def wiki_generate_task(*, tenant_id: int, job_id: str) -> None:
    """A wiki job (apps.wiki.services.wiki_job_run): claims the job, so a duplicate does nothing
    and a redelivery after a lost worker resumes a stale one."""
    from apps.wiki.services import wiki_job_run

    with tenant_scope(tenant_id):
        wiki_job_run(job_id=job_id)


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60, queue="maintenance"
)
def fail_stale_jobs() -> int:
    """Periodic: wiki jobs left `running` by a lost worker are failed with a visible error."""
    from apps.wiki.services import wiki_jobs_fail_stale

    return wiki_jobs_fail_stale()
