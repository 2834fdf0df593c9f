"""Content parts: the registry of handlers for the non-text parts of an add's messages (image
and document parts, registered by apps.multimodal). Part of the floor's registry
(apps.memories.registry re-exports every name here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apps.memories.models import Memory
    from apps.tenants.models import Tenant


# --- content parts (non-text parts of an add's messages) -----------------------------------------
# A message's content may be a list of OpenAI-style parts. The floor keeps the text parts as the
# turn; a part of another type (mem0's {"type": "image_url", ...}) is accepted only when an app
# registered a handler for its type, else it is refused as today. `parse` checks one part while
# the request is validated (raising an ApiError: nothing is written yet) and returns what `store`
# takes; `store` runs inside the add's transaction, once the turn's Message row exists, so a
# failed add keeps neither, and returns the memories it made (a document's chunks), which the
# add answers with its turns. A message of such parts only gets `placeholder` as its turn text.
# A message's content may also be one part alone (mem0: `"content": {"type": "pdf_url", ...}`).


@dataclass(frozen=True)
class ContentPartHandler:
    name: str
    types: tuple[str, ...]
    parse: Callable[[dict[str, Any]], Any]
    # (*, tenant, user_id, role, message_id, parsed: list) -> memories it made, or None
    store: Callable[..., list[Memory] | None]
    placeholder: str = "[attachment]"
    # What identifies a parsed part in an add's idempotency fingerprint (URL, payload digest).
    fingerprint: Callable[[Any], str] = repr


_CONTENT_PART_HANDLERS: dict[str, ContentPartHandler] = {}


def content_part_handler_register(handler: ContentPartHandler) -> None:
    _CONTENT_PART_HANDLERS[handler.name] = handler


def content_part_handler(part_type: Any) -> ContentPartHandler | None:
    return next((h for h in _CONTENT_PART_HANDLERS.values() if part_type in h.types), None)


def content_parts_fingerprint(parts: list[tuple[str, Any]]) -> list[str]:
    return [f"{name}:{_CONTENT_PART_HANDLERS[name].fingerprint(parsed)}" for name, parsed in parts]


def content_parts_store(
    *, tenant: Tenant, user_id: str, role: str, message_id: int, parts: list[tuple[str, Any]]
) -> list[Memory]:
    """Hand each parsed part of a stored message to its handler (in the add's transaction);
    the memories they made (a document's chunks) are answered with the add's."""
    by_handler: dict[str, list[Any]] = {}
    for name, parsed in parts:
        by_handler.setdefault(name, []).append(parsed)
    made: list[Memory] = []
    for name, parsed_parts in by_handler.items():
        made += _CONTENT_PART_HANDLERS[name].store(tenant=tenant, user_id=user_id, role=role,
                                                   message_id=message_id,
                                                   parsed=parsed_parts) or []  # fmt: skip
    return made
