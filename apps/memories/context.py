"""The short/mid/long-term context for a query, in the reference's `retrieve` shape.

short_term: the latest raw turns (newest first); mid_term: the memories most relevant to the
query (hybrid search); long_term: the user's profile and knowledge (UserMemory facts). The
ingestion pipeline builds profiles and topic segments on top of this."""

from __future__ import annotations

from typing import Any

from apps.memories import selectors
from apps.memories.models import Memory, Message
from apps.tenants.models import Tenant

PROFILE_KINDS = {"identity", "job", "family", "place", "possession"}


def memory_retrieve(
    *,
    tenant: Tenant,
    user_id: str,
    query: str,
    conversation_id: str | None = None,
    short_term_limit: int = 10,
    mid_term_limit: int = 5,
) -> dict[str, Any]:
    recent = Message.objects.filter(tenant=tenant, user_id=user_id)
    if conversation_id:
        recent = recent.filter(conversation_id=conversation_id)
    short_term = [
        {"role": m.role, "content": m.content, "timestamp": m.timestamp.isoformat(),
         "conversation_id": m.conversation_id}
        for m in recent.order_by("-timestamp", "-id")[:short_term_limit]
    ]  # fmt: skip
    hits = selectors.memory_search(
        tenant=tenant,
        q=selectors.SearchQuery(query=query, user_id=user_id, limit=mid_term_limit),
    )
    mid_term = [
        {"id": str(h.memory.pk), "summary": h.memory.value, "score": h.score,
         "similarity": h.similarity, "memory_type": h.memory.memory_type, "tags": h.memory.tags,
         "created_at": h.memory.created_at.isoformat(), "sources": h.memory.sources}
        for h in hits
    ]  # fmt: skip
    return {
        "short_term": short_term,
        "mid_term": mid_term,
        "long_term": _long_term(tenant, user_id),
    }


def _long_term(tenant: Tenant, user_id: str) -> dict[str, Any] | None:
    facts = list(
        Memory.objects.filter(
            tenant=tenant,
            user_id=user_id,
            memory_type=Memory.Type.USER,
            status=Memory.Status.ACTIVATED,
        )
        .defer("embedding", "search_vector")
        .order_by("-updated_at")[:200]
    )
    if not facts:
        return None
    profile: dict[str, list[str]] = {"traits": [], "preferences": [], "background": []}
    knowledge = []
    for fact in facts:
        kind = fact.metadata.get("kind", "")
        if kind in {"preference", "dislike"}:
            profile["preferences"].append(fact.value)
        elif kind in PROFILE_KINDS:
            profile["background"].append(fact.value)
        elif kind == "trait":
            profile["traits"].append(fact.value)
        else:
            knowledge.append(
                {
                    "id": str(fact.pk),
                    "content": fact.value,
                    "created_at": fact.created_at.isoformat(),
                }
            )
    return {"user_id": user_id, "profile": profile, "knowledge": knowledge[:50]}
