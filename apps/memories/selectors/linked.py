"""Graph-aware retrieval: the memories linked to what a query names, as one more ranking.

The providers in the registry (`registry.linked_memories`: the graph app gives the sources of
the edges within two hops of the entities the query names) say which memories are linked and
how far; this ranks those that pass the search's own scope (tenant, user, filters, status) by
hops, then by the query embedding's distance, and search fuses the ranking with the others
(weight `SEARCH_LINKED_WEIGHT`; measured on LoCoMo with `--infer`, docs/benchmarks.md)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection

from apps.memories import registry
from apps.memories.models import Memory
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table
LINKED_SQL = """
    SELECT m.id FROM {table} m JOIN unnest(%s::uuid[], %s::int[]) AS l(id, hops) ON l.id = m.id
    WHERE {scope} AND m.embedding IS NOT NULL
    ORDER BY l.hops, (m.embedding <=> %s) LIMIT %s
"""
PROVIDER_LIMIT = 2000  # linked memories considered per query, fewest hops first
# The graph's linked memories count from this rank in the fusion: measured on LoCoMo --infer
# (docs/benchmarks.md, issue 13), from 1 they took the first place from a better hit (frac@1
# 37.4 -> 35.2); from 8 the first hits hold (37.5) and multi-hop still gains.
LINKED_START = 8


def linked_ranking(
    *,
    tenant: Tenant,
    user_id: str | None,
    text: str,
    scope: str,
    params: list[Any],
    qvector: np.ndarray,
    n: int,
) -> list[str]:
    """The ids of the linked memories in scope, fewest hops and nearest first ([] when the
    query names nothing the providers know, or there is no provider)."""
    if not text.strip() or not settings.SEARCH_LINKED_WEIGHT:
        return []
    linked = registry.linked_memories(
        tenant=tenant, user_id=user_id, text=text, limit=PROVIDER_LIMIT
    )
    if not linked:
        return []
    ids, hops = list(linked), list(linked.values())
    sql = LINKED_SQL.format(table=TABLE, scope=scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, hops, *params, qvector, n])
        return [str(row[0]) for row in cursor.fetchall()]


def rankings_fuse(
    rankings: list[tuple[list[str], float]], linked: list[str] | None = None
) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion, normalised so that first in every ranking scores 1.
    The linked memories (the graph's) count from rank LINKED_START: they lift what the other
    rankings found lower into the first results more than they displace the first hit."""
    k = settings.SEARCH_RRF_K
    scores: dict[str, float] = {}
    linked_weight = settings.SEARCH_LINKED_WEIGHT if linked else 0.0
    for ranking, weight, start in [*((r, w, 1) for r, w in rankings),
                                   (linked or [], linked_weight, LINKED_START)]:  # fmt: skip
        for rank, memory_id in enumerate(ranking, start=start):
            scores[memory_id] = scores.get(memory_id, 0.0) + weight / (k + rank)
    best = sum(weight for _, weight in rankings) / (k + 1) + linked_weight / (k + LINKED_START)
    return sorted(((mid, s / best) for mid, s in scores.items()), key=lambda x: -x[1])
