from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def caption_item(*, tenant_id: int, item_id: str) -> None:
    """Describe an add's image with the LLM; idempotent (an item with a caption is skipped)."""
    from apps.multimodal.services import item_caption

    with tenant_scope(tenant_id):
        item_caption(tenant_id=tenant_id, item_id=item_id)


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def chunk_document(*, tenant_id: int, document_id: str) -> None:
    """Cut a big document of an add into memories; idempotent (a document done is skipped)."""
    from apps.multimodal.services import document_chunk

    with tenant_scope(tenant_id):
        document_chunk(tenant_id=tenant_id, document_id=document_id)
