"""Reads of multimodal memory: recent items, text search, embedding search, an object."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from apps.core.errors import NotFound
from apps.memories.text import query_terms, tsquery_literal
from apps.multimodal import sql
from apps.multimodal.models import MultimodalItem, MultimodalObject
from apps.tenants.models import Tenant


@dataclass
class Hit:
    item: MultimodalItem
    score: float | None = None


def _items(*, tenant: Tenant, ranked: list[tuple[str, float]]) -> list[Hit]:
    rows = MultimodalItem.objects.filter(tenant=tenant, pk__in=[r[0] for r in ranked])
    by_id = {str(item.pk): item for item in rows.defer("image_embedding", "audio_embedding")}
    return [Hit(by_id[pk], score) for pk, score in ranked if pk in by_id]


def item_recent(*, tenant: Tenant, user_id: str, limit: int) -> list[Hit]:
    rows = (
        MultimodalItem.objects.filter(tenant=tenant, user_id=user_id)
        .defer("image_embedding", "audio_embedding")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [Hit(item) for item in rows]


def item_search_text(*, tenant: Tenant, user_id: str, query: str, limit: int) -> list[Hit]:
    """Text parts and captions, by full-text rank (English stemming, Chinese segmentation)."""
    terms = query_terms(query)
    if not terms:
        return []
    ranked = sql.text_search(tenant_id=tenant.pk, user_id=user_id,
                             tsquery=tsquery_literal(terms), limit=limit)  # fmt: skip
    return _items(tenant=tenant, ranked=ranked)


def item_search_embedding(
    *, tenant: Tenant, user_id: str, modality: str, vector: list[float], limit: int
) -> list[Hit]:
    """A user with at most MULTIMODAL_EXACT_MAX vectors of the modality is ranked exactly (all
    distances, rows found by the (tenant, user, created_at) btree); above it the modality's HNSW
    index answers, with pgvector's iterative scan so the tenant and user filters fill the page."""
    exact_max = settings.MULTIMODAL_EXACT_MAX
    count = sql.user_vector_count(tenant_id=tenant.pk, user_id=user_id, modality=modality,
                                  cap=exact_max + 1)  # fmt: skip
    if count == 0:
        return []
    ranked = sql.vector_search(
        tenant_id=tenant.pk, user_id=user_id, modality=modality, vector=vector, limit=limit,
        exact=count <= exact_max,
    )  # fmt: skip
    return _items(tenant=tenant, ranked=ranked)


def object_get(*, tenant: Tenant, item_id: str, part: int) -> MultimodalObject:
    obj = MultimodalObject.objects.filter(tenant=tenant, item_id=item_id, part=part).first()
    if obj is None:
        raise NotFound("No such object.", code="object_not_found")
    return obj
