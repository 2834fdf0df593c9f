"""The short/mid/long-term context for a query, in the reference's `retrieve` shape.

short_term: the latest raw turns (newest first); mid_term: the memories most relevant to the
query (hybrid search), each with its topic segment and that segment's heat; long_term: the
user's profile and knowledge as last rebuilt from the hottest segments, or built now when it
never was. Segments, heat and profiles belong to the pipeline, which provides them through
`registry.retrieve_tiers` (without it: heat 0.0, long_term None)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.memories import registry, selectors
from apps.memories.models import Message
from apps.tenants.models import Tenant


def memory_retrieve(
    *,
    tenant: Tenant,
    user_id: str,
    query: str,
    conversation_id: str | None = None,
    short_term_limit: int | None = None,
    mid_term_limit: int = 5,
) -> dict[str, Any]:
    recent = Message.objects.filter(tenant=tenant, user_id=user_id)
    if conversation_id:
        recent = recent.filter(conversation_id=conversation_id)
    short_term = [
        {"role": m.role, "content": m.content, "timestamp": m.timestamp.isoformat(),
         "conversation_id": m.conversation_id}
        for m in recent.order_by("-timestamp", "-id")[: (
            settings.STM_WINDOW if short_term_limit is None else short_term_limit)]
    ]  # fmt: skip
    hits = selectors.memory_search(
        tenant=tenant,
        q=selectors.SearchQuery(query=query, user_id=user_id, limit=mid_term_limit),
    )
    tiers = registry.retrieve_tiers()
    segment_ids = {h.memory.segment_id for h in hits if h.memory.segment_id}
    heat = tiers.segment_heat(tenant=tenant, segment_ids=segment_ids) if tiers else {}
    mid_term = [
        {"id": str(h.memory.pk), "summary": h.memory.value, "score": h.score,
         "similarity": h.similarity, "memory_type": h.memory.memory_type, "tags": h.memory.tags,
         "created_at": h.memory.created_at.isoformat(), "sources": h.memory.sources,
         "kind": h.memory.kind, "segment_id": str(h.memory.segment_id) if h.memory.segment_id
         else None, "heat": heat.get(h.memory.segment_id, 0.0)}
        for h in hits
    ]  # fmt: skip
    return {
        "short_term": short_term,
        "mid_term": mid_term,
        "long_term": tiers.long_term(tenant=tenant, user_id=user_id) if tiers else None,
    }
