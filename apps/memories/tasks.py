from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from apps.core.tenancy import tenant_scope
from apps.memories import services
from apps.memories.models import AddBatch


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300, queue="ingest"
)
def process_batch(*, tenant_id: int, batch_id: str, actor: str) -> None:
    with tenant_scope(tenant_id):
        batch = AddBatch.objects.select_related("tenant").filter(pk=batch_id).first()
        if batch is not None:
            services.batch_process(batch=batch, actor=actor)


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60, queue="maintenance"
)
def flush_access_counts() -> int:
    """Periodic: fold search-hit counters from Redis into the memories (heat input)."""
    from apps.memories.access import access_flush

    return access_flush()


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=3000, time_limit=3300, queue="maintenance"
)
def import_memories(*, tenant_id: int, job_id: str) -> None:
    """An async import (apps.memories.transfer): the request validated and staged the rows."""
    from apps.memories.transfer import import_run

    with tenant_scope(tenant_id):
        import_run(job_id=job_id)


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60, queue="maintenance"
)
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


# A deadlock or a lost connection (OperationalError) rolls the stage's transaction back; stages
# are idempotent, so it runs again (the graph's unique index can deadlock two stores that
# write the same facts in opposite order: PostgreSQL aborts one of them).
@shared_task(
    acks_late=True,
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_jitter=True,
    max_retries=4,
)
def run_stage(*, tenant_id: int, batch_id: str, stage: str, actor: str) -> None:
    """One unordered stage (apps.memories.registry) of a done batch, on the stage's own queue."""
    with tenant_scope(tenant_id):
        batch = AddBatch.objects.select_related("tenant").filter(pk=batch_id).first()
        if batch is not None:
            services.stage_run(batch=batch, stage_name=stage, actor=actor)
