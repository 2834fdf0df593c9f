from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope
from apps.memories import services
from apps.memories.models import AddBatch


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, queue="ingest")
def process_batch(*, tenant_id: int, batch_id: str, actor: str) -> None:
    with tenant_scope(tenant_id):
        batch = AddBatch.objects.select_related("tenant").filter(pk=batch_id).first()
        if batch is not None:
            services.batch_process(batch=batch, actor=actor)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60, queue="maintenance")
def flush_access_counts() -> int:
    """Periodic: fold search-hit counters from Redis into the memories (heat input)."""
    from apps.memories.access import access_flush

    return access_flush()


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3300, queue="maintenance")
def import_memories(*, tenant_id: int, job_id: str, rows: list, actor: str) -> None:
    """An async import: rows were validated by the request; all land in one transaction, the job
    shows embedding progress. Idempotent: a job that is no longer running is not redone."""
    from apps.jobs.models import Job
    from apps.jobs.services import job_finish, job_progress
    from apps.memories.transfer import ASYNC_IMPORT_LIMIT, import_validate

    with tenant_scope(tenant_id):
        job = Job.objects.select_related("tenant").filter(pk=job_id).first()
        if job is None or job.status != Job.Status.RUNNING or job.done:
            return
        try:
            items = import_validate(rows, limit=ASYNC_IMPORT_LIMIT)
            created = services.memories_create(
                tenant=job.tenant,
                scope=services.Scope(
                    user_id=job.params["user_id"], agent_id=job.params.get("agent_id", "")
                ),
                items=items,
                actor=actor,
                on_progress=lambda done: job_progress(job=job, done=done),
            )
        except Exception as exc:
            job_finish(job=job, ok=False, message=f"nothing imported: {exc}"[:500])
            raise
        job_finish(job=job, message=f"imported {len(created)} memories")


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60, queue="maintenance")
def requeue_stalled_batches() -> int:
    """Periodic: nothing accepted is lost. An async batch whose task never ran (queued for over
    two minutes) or whose worker died (running past the task time limit) is queued again;
    processing is idempotent, so a duplicate task does nothing."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    now = timezone.now()
    stalled = Q(status=AddBatch.Status.QUEUED, updated_at__lt=now - timedelta(minutes=2)) | Q(
        status=AddBatch.Status.RUNNING,
        updated_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT),
    )
    rows = list(AddBatch.unscoped.filter(stalled).values_list("tenant_id", "pk")[:500])
    for tenant_id, batch_id in rows:
        process_batch.delay(tenant_id=tenant_id, batch_id=str(batch_id), actor="system:requeue")
    return len(rows)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def run_stage(*, tenant_id: int, batch_id: str, stage: str, actor: str) -> None:
    """One unordered stage (apps.memories.registry) of a done batch, on the stage's own queue."""
    with tenant_scope(tenant_id):
        batch = AddBatch.objects.select_related("tenant").filter(pk=batch_id).first()
        if batch is not None:
            services.stage_run(batch=batch, stage_name=stage, actor=actor)
