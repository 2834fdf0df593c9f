"""The pipeline's entries in the per-user data registry (GDPR export and erasure): topic
segments, the profile, and the FAQ promotion history of the user's memories. Their erasers run
before the floor's memories go (FAQ events are found through the user's memory ids)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from apps.memories.models import Memory
from apps.memories.registry import UserData
from apps.pipeline.models import FaqEvent, Segment, UserProfile
from apps.tenants.models import Tenant


def user_segments(*, tenant: Tenant, user_id: str) -> QuerySet[Segment]:
    return Segment.objects.filter(tenant=tenant, user_id=user_id)


def user_profiles(*, tenant: Tenant, user_id: str) -> QuerySet[UserProfile]:
    return UserProfile.objects.filter(tenant=tenant, user_id=user_id)


def user_faq_events(*, tenant: Tenant, user_id: str) -> QuerySet[FaqEvent]:
    memories = Memory.objects.filter(tenant=tenant, user_id=user_id).values("pk")
    return FaqEvent.objects.filter(tenant=tenant, memory_id__in=memories)


def _export(selector: Any, fields: tuple[str, ...]) -> Any:
    def export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
        rows = selector(tenant=tenant, user_id=user_id).order_by(fields[0])
        yield from rows.values(*fields).iterator(chunk_size=2000)

    return export


def _count(selector: Any) -> Any:
    def count(*, tenant: Tenant, user_id: str) -> int:
        return selector(tenant=tenant, user_id=user_id).count()

    return count


def _erase(selector: Any) -> Any:
    def erase(*, tenant: Tenant, user_id: str) -> int:
        return selector(tenant=tenant, user_id=user_id).delete()[0]

    return erase


def _entry(name: str, selector: Any, fields: tuple[str, ...], model: str, order: int) -> UserData:
    return UserData(name=name, export=_export(selector, fields), count=_count(selector),
                    erase=_erase(selector), models=(model,), order=order)  # fmt: skip


def pipeline_user_data() -> list[UserData]:
    return [
        _entry("faq_events", user_faq_events,
               ("created_at", "memory_id", "question", "from_kind", "to_kind", "reason",
                "category", "confidence", "actor"), "pipeline.FaqEvent", 20),
        _entry("segments", user_segments,
               ("created_at", "id", "title", "size", "length", "visits", "last_visited_at",
                "heat", "updated_at"), "pipeline.Segment", 25),
        _entry("profile", user_profiles,
               ("updated_at", "profile", "knowledge", "summary", "source", "heat"),
               "pipeline.UserProfile", 26),
    ]  # fmt: skip
