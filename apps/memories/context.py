"""The short/mid/long-term context for a query, in the reference's `retrieve` shape.

short_term: the latest raw turns (newest first); mid_term: the memories most relevant to the
query (hybrid search), each with its topic segment and that segment's heat; long_term: the
user's profile and knowledge as last rebuilt from the hottest segments (apps.pipeline.tiers),
or built now when it never was."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.memories import selectors
from apps.memories.models import Message
from apps.pipeline.models import Segment, UserProfile
from apps.pipeline.tiers import profile_build
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
    segment_ids = {h.memory.segment_id for h in hits if h.memory.segment_id}
    heat = dict(Segment.objects.filter(tenant=tenant, pk__in=segment_ids).values_list("pk", "heat"))
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
        "long_term": _long_term(tenant, user_id),
    }


def _long_term(tenant: Tenant, user_id: str) -> dict[str, Any] | None:
    stored = UserProfile.objects.filter(tenant=tenant, user_id=user_id).first()
    if stored is not None:
        profile, knowledge, summary = stored.profile, stored.knowledge, stored.summary
        updated = stored.updated_at.isoformat()
    else:
        built = profile_build(tenant=tenant, user_id=user_id)
        profile, knowledge, summary, updated = built["profile"], built["knowledge"], "", None
    if not profile and not knowledge:
        return None
    return {"user_id": user_id, "profile": profile, "knowledge": knowledge, "summary": summary,
            "updated_at": updated}  # fmt: skip
