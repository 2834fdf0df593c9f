from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=150)
def caption_item(*, tenant_id: int, item_id: str) -> None:
    """Describe an add's image with the LLM; idempotent (an item with a caption is skipped)."""
    from apps.multimodal.services import item_caption

    with tenant_scope(tenant_id):
        item_caption(tenant_id=tenant_id, item_id=item_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=900, time_limit=960)
def chunk_document(*, tenant_id: int, document_id: str) -> None:
    """Cut a big document of an add into memories; idempotent (a document done is skipped)."""
    from apps.multimodal.services import document_chunk

    with tenant_scope(tenant_id):
        document_chunk(tenant_id=tenant_id, document_id=document_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60)
def requeue_queued_documents() -> int:
    """Periodic: nothing accepted is lost. A big document still `queued` two minutes after its
    add (Redis was down when the add committed, or its worker died) is queued again; cutting is
    idempotent, so a duplicate task does nothing."""
    from apps.multimodal.services import documents_stalled

    rows = documents_stalled(older_than_seconds=120, limit=500)
    for tenant_id, document_id in rows:
        chunk_document.delay(tenant_id=tenant_id, document_id=str(document_id))
    return len(rows)
