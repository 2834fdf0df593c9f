"""What the floor's add paths hand to this app: mem0 / OpenAI `image_url` content parts.

Each image of a turn becomes its own multimodal item tied to the turn's message id, in the add's
transaction. A remote URL is kept and never fetched; a data: URL's bytes are kept as an object
(size-bounded, as /v1/multimodal/store's). No caption is made: describing images with a
vision-capable LLM is not done yet."""

from __future__ import annotations

from typing import Any

from apps.memories.registry import ContentPartHandler
from apps.multimodal.parts import Part, image_url_part
from apps.multimodal.services import item_store
from apps.tenants.models import Tenant


def image_parts_store(
    *, tenant: Tenant, user_id: str, role: str, message_id: int, parsed: list[Any]
) -> None:
    for part in parsed:
        assert isinstance(part, Part)
        item_store(tenant=tenant, user_id=user_id, role=role, parts=[part],
                   message_id=message_id, checked=True)  # fmt: skip


image_url_handler = ContentPartHandler(
    name="multimodal",
    types=("image_url",),
    parse=image_url_part,
    store=image_parts_store,
    placeholder="[image]",
)
