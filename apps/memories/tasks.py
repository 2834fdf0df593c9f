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
