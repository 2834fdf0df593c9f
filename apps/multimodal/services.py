"""Writes of multimodal memory: storing an item (with its objects) and erasing a user's."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.memories import registry
from apps.memories.text import tsvector_literal
from apps.multimodal import sql
from apps.multimodal.models import MultimodalItem, MultimodalObject
from apps.multimodal.parts import Part
from apps.tenants.models import Tenant


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
