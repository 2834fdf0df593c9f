"""Mid-term topic segments with heat, and the long-term profile built from the hottest ones
(after MemoryOS).

Heat of a segment (weights per tenant in `Tenant.settings["heat"]`, defaults below):

    heat = alpha * visits + beta * size + gamma * exp(-hours_since_last_visit / tau_hours)

visits: search hits on the segment's memories plus restatements (NOOP mentions); size: the
number of memories in it (interaction length); the recency term decays from 1 with a time
constant of `tau_hours`. When a segment's heat crosses `profile_threshold`, the user's profile is
rebuilt by a Celery task.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from apps.memories.models import Memory
from apps.memories.selectors import memory_segment_ids
from apps.memories.services import memories_segment_set
from apps.pipeline.extraction.rules import PROFILE_KINDS
from apps.pipeline.models import Segment, UserProfile
from apps.tenants.models import Tenant

DEFAULT_WEIGHTS = {"alpha": 1.0, "beta": 0.5, "gamma": 1.0, "tau_hours": 24.0,
                   "profile_threshold": 5.0}  # fmt: skip


def heat_weights(tenant: Tenant) -> dict[str, float]:
    custom = tenant.settings.get("heat") if isinstance(tenant.settings, dict) else None
    weights = dict(DEFAULT_WEIGHTS)
    if isinstance(custom, dict):
        for name, value in custom.items():
            if name in weights and isinstance(value, int | float) and value >= 0:
                weights[name] = float(value)
    return weights


def heat_of(*, visits: int, size: int, last_visited_at: datetime | None,
            weights: dict[str, float], now: datetime | None = None) -> float:  # fmt: skip
    now = now or timezone.now()
    hours = (now - last_visited_at).total_seconds() / 3600 if last_visited_at else math.inf
    recency = math.exp(-hours / max(weights["tau_hours"], 1e-6)) if hours != math.inf else 0.0
    return round(weights["alpha"] * visits + weights["beta"] * size + weights["gamma"] * recency, 4)


def _unit(vector: Any) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    return array / max(float(np.linalg.norm(array)), 1e-12)


def segments_assign(*, tenant: Tenant, user_id: str, memories: list[Memory]) -> None:
    """Put each new memory into the user's nearest segment (cosine to its centroid at least
    PIPELINE_SEGMENT_SIMILARITY), or open a new segment."""
    if not memories:
        return
    weights = heat_weights(tenant)
    threshold = settings.PIPELINE_SEGMENT_SIMILARITY
    segments = list(Segment.objects.filter(tenant=tenant, user_id=user_id)
                    .order_by("-updated_at")[:300])  # fmt: skip
    centroids = [_unit(s.centroid) for s in segments]
    now = timezone.now()
    touched: dict[str, Segment] = {}
    members: dict[str, list[str]] = {}
    for memory in memories:
        if memory.embedding is None or memory.kind in {"qa", "faq_candidate", "faq"}:
            continue
        vector = _unit(memory.embedding)
        best, best_sim = None, -1.0
        if centroids:
            sims = np.stack(centroids) @ vector
            index = int(np.argmax(sims))
            best, best_sim = segments[index], float(sims[index])
        if best is None or best_sim < threshold:
            best = Segment(tenant=tenant, user_id=user_id, title=(memory.key or memory.value)[:200],
                           centroid=vector, size=0)  # fmt: skip
            segments.append(best)
            centroids.append(vector)
            index = len(segments) - 1
        merged = _unit(centroids[index] * best.size + vector)
        centroids[index] = merged
        best.centroid = merged
        best.size += 1
        best.length += len(memory.value)
        best.last_visited_at = now
        best.heat = heat_of(visits=best.visits, size=best.size, last_visited_at=now,
                            weights=weights, now=now)  # fmt: skip
        best.save()
        memory.segment_id = best.pk
        touched[str(best.pk)] = best
        members.setdefault(str(best.pk), []).append(str(memory.pk))
    for segment_id, memory_ids in members.items():
        memories_segment_set(tenant=tenant, memory_ids=memory_ids, segment_id=segment_id)
    _maybe_refresh_profile(tenant=tenant, user_id=user_id, segments=list(touched.values()),
                           weights=weights)  # fmt: skip


def heat_refresh(*, tenant: Tenant, segment_ids: list[str]) -> None:
    """Recompute visits and heat of segments (after access counts were folded in)."""
    weights = heat_weights(tenant)
    now = timezone.now()
    by_user: dict[str, list[Segment]] = {}
    for segment in Segment.objects.filter(tenant=tenant, pk__in=segment_ids):
        totals = Memory.objects.filter(segment=segment, status=Memory.Status.ACTIVATED).aggregate(
            hits=Sum("access_count"), mentions=Sum("mentions"), members=Count("id")
        )
        restated = max((totals["mentions"] or 0) - totals["members"], 0)
        segment.visits = (totals["hits"] or 0) + restated
        segment.last_visited_at = now
        segment.heat = heat_of(visits=segment.visits, size=segment.size,
                               last_visited_at=now, weights=weights, now=now)  # fmt: skip
        segment.save(update_fields=["visits", "last_visited_at", "heat", "updated_at"])
        by_user.setdefault(segment.user_id, []).append(segment)
    for user_id, segments in by_user.items():
        _maybe_refresh_profile(tenant=tenant, user_id=user_id, segments=segments, weights=weights)


def heat_on_access(*, tenant: Tenant, memory_ids: list[str]) -> None:
    """Visited memories warm their topic segments (an access hook: apps.memories.registry)."""
    segment_ids = memory_segment_ids(tenant=tenant, memory_ids=memory_ids)
    if segment_ids:
        heat_refresh(tenant=tenant, segment_ids=segment_ids)


def _maybe_refresh_profile(*, tenant: Tenant, user_id: str, segments: list[Segment],
                           weights: dict[str, float]) -> None:  # fmt: skip
    hottest = max((s.heat for s in segments), default=0.0)
    if hottest < weights["profile_threshold"]:
        return
    current = UserProfile.objects.filter(tenant=tenant, user_id=user_id).first()
    if current is not None and current.heat >= hottest:
        return
    from apps.pipeline.tasks import refresh_profile

    transaction.on_commit(lambda: refresh_profile.delay(tenant_id=tenant.pk, user_id=user_id))


def profile_build(*, tenant: Tenant, user_id: str) -> dict[str, Any]:
    """The profile (facts by kind, hottest segments first) and knowledge list of a user."""
    facts = list(
        Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED,
                              kind__in=[*PROFILE_KINDS, "plan", "event"])
        .select_related("segment")
        .defer("embedding", "search_vector", "segment__centroid")
        .order_by("-updated_at")[:500]
    )  # fmt: skip
    facts.sort(key=lambda m: -(m.segment.heat if m.segment else 0.0))
    profile: dict[str, list[str]] = {}
    knowledge = []
    for fact in facts:
        if fact.kind in PROFILE_KINDS:
            profile.setdefault(fact.kind, []).append(fact.value)
        else:
            knowledge.append({"id": str(fact.pk), "content": fact.value, "kind": fact.kind,
                              "occurred_at": fact.occurred_at.isoformat() if fact.occurred_at
                              else None})  # fmt: skip
    hottest = max((f.segment.heat for f in facts if f.segment), default=0.0)
    return {"profile": profile, "knowledge": knowledge[:50], "heat": hottest}


def profile_refresh(*, tenant: Tenant, user_id: str) -> UserProfile:
    built = profile_build(tenant=tenant, user_id=user_id)
    summary, source = "", "rules"
    if settings.LLM_API_BASE and built["profile"]:
        from apps.pipeline.llm import LlmError, profile_summary

        try:
            summary, source = profile_summary(built["profile"]), "llm"
        except LlmError:
            summary, source = "", "rules"
    profile, _ = UserProfile.objects.update_or_create(
        tenant=tenant, user_id=user_id,
        defaults={"profile": built["profile"], "knowledge": built["knowledge"],
                  "summary": summary, "source": source, "heat": built["heat"]},
    )  # fmt: skip
    return profile


# --- the tiers /v1/memory/retrieve shows (apps.memories.registry.RetrieveTiers) ---------------


def segments_heat(*, tenant: Tenant, segment_ids: Collection[UUID]) -> dict[UUID, float]:
    return dict(Segment.objects.filter(tenant=tenant, pk__in=segment_ids).values_list("pk", "heat"))


def long_term_tier(*, tenant: Tenant, user_id: str) -> dict[str, Any] | None:
    """The user's profile as last rebuilt, or built now when it never was; None when empty."""
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
