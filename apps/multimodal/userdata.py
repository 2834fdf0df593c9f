"""Multimodal items and their objects in the per-user data registry (GDPR export and erasure).

The export carries everything the user sent: the parts, the embeddings (they came from the
client, not derived by us) and each object's bytes as base64. Erasure removes items and objects
(the bytes live in PostgreSQL, so nothing is left on disk)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from apps.memories.registry import UserData
from apps.multimodal.models import Document, MultimodalItem, MultimodalObject
from apps.multimodal.services import user_documents_erase, user_items_erase
from apps.tenants.models import Tenant

CHUNK = 500


def _vector(value: Any) -> list[float] | None:
    if value is None:
        return None
    return [float(x) for x in (value.to_list() if hasattr(value, "to_list") else value)]


def user_items_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    items = MultimodalItem.objects.filter(tenant=tenant, user_id=user_id).order_by("created_at")
    for item in items.iterator(chunk_size=CHUNK):
        objects = MultimodalObject.objects.filter(tenant=tenant, item=item).order_by("part")
        yield {
            "id": str(item.pk), "role": item.role, "parts": item.parts, "text": item.text,
            "captions": item.captions, "message_id": item.message_id,
            "image_embedding": _vector(item.image_embedding),
            "audio_embedding": _vector(item.audio_embedding),
            "created_at": item.created_at.isoformat(),
            "objects": [{"part": o.part, "sha256": o.sha256, "content_type": o.content_type,
                         "size": o.size, "data_base64": base64.b64encode(bytes(o.data)).decode()}
                        for o in objects],
        }  # fmt: skip


def user_items_count(*, tenant: Tenant, user_id: str) -> int:
    items = MultimodalItem.objects.filter(tenant=tenant, user_id=user_id).count()
    return items + MultimodalObject.objects.filter(tenant=tenant, user_id=user_id).count()


def user_documents_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    """The documents as sent (their chunks are memories, exported with the memories)."""
    docs = Document.objects.filter(tenant=tenant, user_id=user_id).order_by("created_at")
    for doc in docs.iterator(chunk_size=50):
        yield {
            "id": str(doc.pk), "kind": doc.kind, "url": doc.url, "message_id": doc.message_id,
            "sha256": doc.sha256, "content_type": doc.content_type, "size": doc.size,
            "pages": doc.pages, "chunks": doc.chunks, "created_at": doc.created_at.isoformat(),
            "data_base64": base64.b64encode(bytes(doc.data)).decode(),
        }  # fmt: skip


def user_documents_count(*, tenant: Tenant, user_id: str) -> int:
    return Document.objects.filter(tenant=tenant, user_id=user_id).count()


def multimodal_user_data() -> list[UserData]:
    return [
        UserData(
            name="documents",
            export=user_documents_export,
            count=user_documents_count,
            erase=user_documents_erase,
            models=("multimodal.Document",),
            order=45,
        ),
        UserData(
            name="multimodal_items",
            export=user_items_export,
            count=user_items_count,
            erase=user_items_erase,
            models=("multimodal.MultimodalItem", "multimodal.MultimodalObject"),
            order=45,
        ),
    ]
