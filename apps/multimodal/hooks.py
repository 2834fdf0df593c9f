"""What the floor's add paths hand to this app: mem0 / OpenAI `image_url` content parts, and mem0's
document parts (`pdf_url`, `mdx_url`, `txt_url`: apps.multimodal.documents).

Each image of a turn becomes its own multimodal item tied to the turn's message id, in the add's
transaction. A remote URL is kept and never fetched; a data: URL's bytes are kept as an object
(size-bounded, as /v1/multimodal/store's). With MULTIMODAL_CAPTION_IMAGES on and an LLM
configured, a task describes each image once the add has committed (apps.multimodal.caption);
the add never waits for it and a failing LLM leaves the image without a caption."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from kombu.exceptions import KombuError

from apps.memories.models import Memory
from apps.memories.registry import ContentPartHandler
from apps.multimodal.caption import captioning_on
from apps.multimodal.documents import KINDS, document_part
from apps.multimodal.parts import Part, image_url_part
from apps.multimodal.services import documents_store, item_store
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


def image_parts_store(
    *, tenant: Tenant, user_id: str, role: str, message_id: int, parsed: list[Any]
) -> None:
    for part in parsed:
        assert isinstance(part, Part)
        item = item_store(tenant=tenant, user_id=user_id, role=role, parts=[part],
                          message_id=message_id, checked=True)  # fmt: skip
        if captioning_on():
            transaction.on_commit(_caption_later(tenant_id=tenant.pk, item_id=str(item.pk)))


def _caption_later(*, tenant_id: int, item_id: str) -> Any:
    def queue() -> None:
        from apps.multimodal.tasks import caption_item

        try:
            caption_item.apply_async(kwargs={"tenant_id": tenant_id, "item_id": item_id},
                                     queue="default")  # fmt: skip
        except (KombuError, OSError):  # Redis down: the image stays without a caption
            logger.warning("could not queue the caption of item %s", item_id)

    return queue


def part_fingerprint(part: Any) -> str:
    return part.payload.sha256 if part.payload is not None else part.url


image_url_handler = ContentPartHandler(
    name="multimodal",
    types=("image_url",),
    parse=image_url_part,
    store=image_parts_store,
    placeholder="[image]",
    fingerprint=part_fingerprint,
)


def document_parts_store(
    *, tenant: Tenant, user_id: str, role: str, message_id: int, parsed: list[Any]
) -> list[Memory]:
    return documents_store(tenant=tenant, user_id=user_id, message_id=message_id, parts=parsed)


def document_fingerprint(part: Any) -> str:
    return f"{part.kind}:{part.sha256}"


# mem0's document parts: kept as a Document of the turn and cut into memories (page numbers in
# each memory's metadata).
document_handler = ContentPartHandler(
    name="document",
    types=tuple(KINDS),
    parse=document_part,
    store=document_parts_store,
    placeholder="[document]",
    fingerprint=document_fingerprint,
)
