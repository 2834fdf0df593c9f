"""Writes of multimodal memory: storing an item (with its objects) and erasing a user's."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError

from apps.core.errors import AppError
from apps.memories import registry
from apps.memories.models import Memory, Message
from apps.memories.services import MemoryIn, Scope, memories_create, message_source
from apps.memories.text import tsvector_literal
from apps.multimodal import sql
from apps.multimodal.caption import CaptionError, describe
from apps.multimodal.documents import Chunk, DocumentPart, document_chunks
from apps.multimodal.models import Document, MultimodalItem, MultimodalObject
from apps.multimodal.parts import MAX_CAPTION, Part
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


def _part_data(part: Part) -> dict[str, Any]:
    if part.type == "text":
        return {"type": "text", "text": part.text}
    data: dict[str, Any] = {"type": part.type, "has_embedding": part.embedding is not None}
    if part.caption:
        data["caption"] = part.caption
    if part.url:
        data["url"] = part.url
    if part.payload is not None:
        data["object"] = {"sha256": part.payload.sha256, "size": len(part.payload.data),
                          "content_type": part.payload.content_type}  # fmt: skip
    return data


def _embedding(parts: list[Part], modality: str) -> list[float] | None:
    return next((p.embedding for p in parts if p.type == modality and p.embedding), None)


def item_store(
    *,
    tenant: Tenant,
    user_id: str,
    role: str,
    parts: list[Part],
    message_id: int | None = None,
    checked: bool = False,
) -> MultimodalItem:
    """Store one message of parts (already checked by apps.multimodal.parts) and its objects,
    all or nothing. The processing gates are asked first unless the caller has (`checked`: the
    add path, which asked them for the whole add)."""
    if not checked:
        registry.processing_check(tenant=tenant, user_id=user_id, activity="store")
    text = "\n".join(p.text for p in parts if p.type == "text")
    captions = "\n".join(p.caption for p in parts if p.caption)
    literal, _ = tsvector_literal(f"{text}\n{captions}")
    with transaction.atomic():
        item = MultimodalItem.objects.create(
            tenant=tenant, user_id=user_id, role=role, text=text, captions=captions,
            parts=[_part_data(p) for p in parts], message_id=message_id,
            image_embedding=_embedding(parts, "image"), audio_embedding=_embedding(parts, "audio"),
        )  # fmt: skip
        sql.search_vector_write(tenant_id=tenant.pk, item_id=str(item.pk), literal=literal)
        MultimodalObject.objects.bulk_create(
            [
                MultimodalObject(
                    tenant=tenant,
                    item=item,
                    user_id=user_id,
                    part=index,
                    sha256=p.payload.sha256,
                    content_type=p.payload.content_type,
                    size=len(p.payload.data),
                    data=p.payload.data,
                )
                for index, p in enumerate(parts)
                if p.payload is not None
            ]
        )
    return item


def user_items_erase(*, tenant: Tenant, user_id: str) -> int:
    """Every item and object of the user (objects go with their items); returns the rows."""
    with transaction.atomic():
        objects, _ = MultimodalObject.objects.filter(tenant=tenant, user_id=user_id).delete()
        items, _ = MultimodalItem.objects.filter(tenant=tenant, user_id=user_id).delete()
    return objects + items


def _image_url(item: MultimodalItem, index: int) -> str:
    """What the LLM is shown: the part's URL, or its object as a data: URL."""
    part = item.parts[index]
    if part.get("url"):
        return part["url"]
    obj = MultimodalObject.objects.filter(item=item, part=index).first()
    if obj is None:
        return ""
    return f"data:{obj.content_type};base64,{base64.b64encode(bytes(obj.data)).decode()}"


def item_caption(*, tenant_id: int, item_id: str) -> bool:
    """Caption the item's first image without one (an add's image_url part) with the LLM and
    make the caption searchable. Idempotent: nothing to do once a caption is there; a failing
    LLM leaves the item as it was. True when a caption was written."""
    item = MultimodalItem.objects.filter(tenant_id=tenant_id, pk=item_id).first()
    if item is None:
        return False  # erased meanwhile
    index = next((i for i, p in enumerate(item.parts)
                  if p.get("type") == "image" and not p.get("caption")), None)  # fmt: skip
    url = _image_url(item, index) if index is not None else ""
    if not url:
        return False
    try:
        caption = describe(image_url=url, max_chars=MAX_CAPTION)
    except CaptionError as exc:
        logger.warning("item %s left without a caption: %s", item_id, exc)
        return False
    with transaction.atomic():
        item = MultimodalItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None or item.parts[index].get("caption"):
            return False
        item.parts[index] = {**item.parts[index], "caption": caption, "caption_by": "llm"}
        item.captions = "\n".join(p["caption"] for p in item.parts if p.get("caption"))
        item.save(update_fields=["parts", "captions"])
        literal, _ = tsvector_literal(f"{item.text}\n{item.captions}")
        sql.search_vector_write(tenant_id=tenant_id, item_id=str(item.pk), literal=literal)
    return True


def documents_store(
    *, tenant: Tenant, user_id: str, message_id: int, parts: list[DocumentPart]
) -> list[Memory]:
    """Keep each document of an add's turn and cut its text into memories of the user in the
    turn's scope (agent, conversation, time). Runs in the add's transaction (the gates were asked
    for the whole add). A document of more than DOCUMENT_SYNC_CHUNKS chunks is only kept here
    (`queued`): a task cuts it once the add has committed, so the add does not wait for hundreds
    of embeddings. Returns the memories made now."""
    message = Message.objects.get(tenant=tenant, pk=message_id)
    made: list[Memory] = []
    for part in parts:
        later = len(part.chunks) > settings.DOCUMENT_SYNC_CHUNKS
        doc = Document.objects.create(
            tenant=tenant, user_id=user_id, message_id=message_id, kind=part.kind, url=part.url,
            sha256=part.sha256, content_type=part.content_type, size=len(part.data),
            data=part.data, pages=part.page_count, chars=part.chars, chunks=len(part.chunks),
            status="queued" if later else "done",
        )  # fmt: skip
        if later:
            transaction.on_commit(_chunk_later(tenant_id=tenant.pk, document_id=str(doc.pk)))
        else:
            made += _chunks_create(doc=doc, message=message, chunks=part.chunks)
    return made


def _chunks_create(*, doc: Document, message: Message, chunks: list[Chunk]) -> list[Memory]:
    """One memory per chunk, naming the document, its page and its chunk index."""
    about = {"document_id": str(doc.pk), "document_type": doc.kind, "chunk_count": len(chunks)}
    items = [
        MemoryIn(
            value=chunk.text,
            metadata={**message.metadata, **about, "page": chunk.page, "chunk_index": chunk.index},
            sources=[message_source(message)],
            occurred_at=message.timestamp,
            kind="document",
        )
        for chunk in chunks
    ]
    scope = Scope(user_id=doc.user_id, agent_id=message.agent_id,
                  conversation_id=message.conversation_id)  # fmt: skip
    return memories_create(tenant=doc.tenant, scope=scope, items=items, actor="document")


def _chunk_later(*, tenant_id: int, document_id: str) -> Any:
    def queue() -> None:
        from apps.multimodal.tasks import chunk_document

        try:
            chunk_document.apply_async(kwargs={"tenant_id": tenant_id, "document_id": document_id},
                                       queue="default")  # fmt: skip
        except (KombuError, OSError):  # Redis down: the document stays `queued`
            logger.warning("could not queue the chunking of document %s", document_id)

    return queue


def document_chunk(*, tenant_id: int, document_id: str) -> int:
    """Cut a `queued` document into memories (the task after a big document's add). Idempotent:
    the document is locked and marked `done` in the transaction that writes its memories, so a
    redelivered task finds it done. A user who withdrew consent meanwhile (the `extract` gate)
    gets no memories: the document is marked `refused`. Returns the memories made."""
    with transaction.atomic():
        doc = (Document.objects.select_for_update()
               .filter(tenant_id=tenant_id, pk=document_id, status="queued").first())  # fmt: skip
        if doc is None:
            return 0  # done already, or erased meanwhile
        message = Message.objects.filter(tenant_id=tenant_id, pk=doc.message_id).first()
        try:
            if message is None:
                raise AppError("the turn is gone", code="document_turn_gone")
            registry.processing_check(tenant=doc.tenant, user_id=doc.user_id, activity="extract")
            _, _, chunks = document_chunks(kind=doc.kind, data=bytes(doc.data))
        except AppError as exc:
            logger.info("document %s not cut into memories: %s", document_id, exc.code)
            Document.objects.filter(pk=doc.pk).update(status="refused")
            return 0
        made = _chunks_create(doc=doc, message=message, chunks=chunks)
        Document.objects.filter(pk=doc.pk).update(status="done", chunks=len(made))
    return len(made)


def documents_stalled(*, older_than_seconds: int, limit: int) -> list[tuple[int, str]]:
    """(tenant id, document id) of documents still `queued` after `older_than_seconds`, every
    tenant (the periodic requeue)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    rows = Document.unscoped.filter(status="queued", created_at__lt=cutoff).order_by("created_at")
    return [(t, str(d)) for t, d in rows.values_list("tenant_id", "pk")[:limit]]


def user_documents_erase(*, tenant: Tenant, user_id: str) -> int:
    deleted, _ = Document.objects.filter(tenant=tenant, user_id=user_id).delete()
    return deleted
