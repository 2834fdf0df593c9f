"""Reads: hybrid search (pgvector + BM25 over our own tsvectors, fused by reciprocal rank),
listing, history and raw messages.

The raw SQL here is the one place that filters by tenant by hand: every statement starts from
`_scope_sql`, whose first condition is the tenant."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import QuerySet

from apps.memories import text
from apps.memories.access import access_record
from apps.memories.embeddings import get_embedder
from apps.memories.filters import compile_filters
from apps.memories.models import Memory, MemoryVersion, Message, TermStat
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table
RRF_K = 60
BM25_K1, BM25_B = 1.2, 0.75


@dataclass
class SearchQuery:
    query: str
    user_id: str | None = None
    agent_id: str | None = None
    conversation_id: str | None = None
    filters: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    memory_type: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    limit: int = 10
    threshold: float | None = None
    mode: str = "hybrid"  # hybrid | vector | keyword
    mmr: bool = False


@dataclass
class Hit:
    memory: Memory
    score: float
    similarity: float


def _scope_sql(tenant: Tenant, q: SearchQuery) -> tuple[str, list[Any]]:
    where = ["m.tenant_id = %s", "m.status = 'activated'"]
    params: list[Any] = [tenant.pk]
    for column, value in (
        ("user_id", q.user_id),
        ("agent_id", q.agent_id),
        ("conversation_id", q.conversation_id),
        ("memory_type", q.memory_type),
    ):
        if value:
            where.append(f"m.{column} = %s")
            params.append(value)
    if q.tags:
        where.append("m.tags @> %s::varchar[]")
        params.append(q.tags)
    if q.created_after:
        where.append("m.created_at >= %s")
        params.append(q.created_after)
    if q.created_before:
        where.append("m.created_at < %s")
        params.append(q.created_before)
    if q.filters:
        sql, filter_params = compile_filters(q.filters)
        where.append(sql)
        params += filter_params
    return " AND ".join(where), params


def _vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.6f}" for x in vector.tolist()) + "]"


def _vector_ranking(cursor: Any, scope: str, params: list, qvec: str, n: int) -> list[str]:
    cursor.execute(
        f"SELECT m.id FROM {TABLE} m WHERE {scope} AND m.embedding IS NOT NULL "
        "ORDER BY m.embedding <=> %s::vector LIMIT %s",
        [*params, qvec, n],
    )
    return [row[0] for row in cursor.fetchall()]


def _idf(tenant: Tenant, user_id: str | None, terms: list[str]) -> list[float]:
    if not user_id:
        return [1.0] * len(terms)
    stats = dict(
        TermStat.objects.filter(tenant=tenant, user_id=user_id, term__in=["", *terms]).values_list(
            "term", "df"
        )
    )
    n_docs = max(stats.get("", 0), 1)
    return [math.log(1 + (n_docs - stats.get(t, 0) + 0.5) / (stats.get(t, 0) + 0.5)) for t in terms]


def _avg_length(tenant: Tenant, user_id: str | None) -> float:
    if user_id:
        row = TermStat.objects.filter(tenant=tenant, user_id=user_id, term="").first()
        if row and row.df > 0:
            return max(row.total_length / row.df, 1.0)
    return 20.0


def _keyword_ranking(
    cursor: Any, tenant: Tenant, q: SearchQuery, scope: str, params: list, n: int
) -> list[str]:
    terms = text.query_terms(q.query)
    if not terms:
        return []
    tsquery = text.tsquery_literal(terms)
    idf = _idf(tenant, q.user_id, terms)
    avg = _avg_length(tenant, q.user_id)
    cursor.execute(
        f"""
        WITH cand AS (
            SELECT m.id, m.search_vector, m.search_length FROM {TABLE} m
            WHERE {scope} AND m.search_vector @@ %s::tsquery
            ORDER BY ts_rank_cd(m.search_vector, %s::tsquery) DESC
            LIMIT 2000
        ), w AS (SELECT * FROM unnest(%s::text[], %s::float8[]) AS w(term, idf))
        SELECT c.id,
               SUM(w.idf * cardinality(u.positions) * {BM25_K1 + 1}
                   / (cardinality(u.positions)
                      + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * c.search_length / %s))) AS score
        FROM cand c CROSS JOIN LATERAL unnest(c.search_vector) u
        JOIN w ON w.term = u.lexeme
        GROUP BY c.id ORDER BY score DESC LIMIT %s
        """,
        [*params, tsquery, tsquery, terms, idf, avg, n],
    )
    return [row[0] for row in cursor.fetchall()]


def _fuse(rankings: list[list[str]]) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, memory_id in enumerate(ranking, start=1):
            scores[memory_id] = scores.get(memory_id, 0.0) + 1.0 / (RRF_K + rank)
    best = len(rankings) / (RRF_K + 1)
    return sorted(((mid, s / best) for mid, s in scores.items()), key=lambda x: -x[1])


def _mmr(
    hits: list[Hit], vectors: dict[str, np.ndarray], limit: int, lam: float = 0.7
) -> list[Hit]:
    chosen: list[Hit] = []
    pool = list(hits)
    while pool and len(chosen) < limit:

        def value(hit: Hit) -> float:
            redundancy = max(
                (float(vectors[str(hit.memory.pk)] @ vectors[str(c.memory.pk)]) for c in chosen),
                default=0.0,
            )
            return lam * hit.score - (1 - lam) * redundancy

        best = max(pool, key=value)
        chosen.append(best)
        pool.remove(best)
    return chosen


def memory_search(*, tenant: Tenant, q: SearchQuery, candidates: int = 100) -> list[Hit]:
    qvector = get_embedder().embed_query(q.query)
    qvec = _vector_literal(qvector)
    scope, params = _scope_sql(tenant, q)
    n = max(candidates, q.limit * 3)
    with transaction.atomic(), connection.cursor() as cursor:
        # pgvector 0.8: keep scanning the HNSW graph until enough rows pass the filters
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        cursor.execute("SET LOCAL hnsw.ef_search = %s", [max(40, n)])
        rankings = []
        if q.mode in {"hybrid", "vector"}:
            rankings.append(_vector_ranking(cursor, scope, params, qvec, n))
        if q.mode in {"hybrid", "keyword"}:
            rankings.append(_keyword_ranking(cursor, tenant, q, scope, params, n))
    fused = _fuse([r for r in rankings if r] or [[]])
    pool = fused[: q.limit * 3 if q.mmr else q.limit * 2]
    rows = {
        str(m.pk): m for m in Memory.objects.filter(tenant=tenant, pk__in=[mid for mid, _ in pool])
    }
    vectors = {mid: np.asarray(m.embedding, dtype=np.float32) for mid, m in rows.items()}
    hits = []
    for memory_id, score in pool:
        memory = rows.get(str(memory_id))
        if memory is None or memory.embedding is None:
            continue
        similarity = float(vectors[str(memory_id)] @ qvector)
        if q.threshold is not None and similarity < q.threshold:
            continue
        hits.append(Hit(memory=memory, score=round(score, 6), similarity=round(similarity, 6)))
    hits = _mmr(hits, vectors, q.limit) if q.mmr else hits[: q.limit]
    access_record(tenant_id=tenant.pk, memory_ids=[str(h.memory.pk) for h in hits])
    return hits


def memory_list(
    *,
    tenant: Tenant,
    user_id: str | None = None,
    agent_id: str | None = None,
    conversation_id: str | None = None,
    memory_type: str | None = None,
    filters: dict[str, Any] | None = None,
) -> QuerySet[Memory]:
    queryset = Memory.objects.filter(tenant=tenant, status=Memory.Status.ACTIVATED)
    for column, value in (
        ("user_id", user_id),
        ("agent_id", agent_id),
        ("conversation_id", conversation_id),
        ("memory_type", memory_type),
    ):
        if value:
            queryset = queryset.filter(**{column: value})
    if filters:
        sql, params = compile_filters(filters, alias=TABLE)
        queryset = queryset.extra(where=[sql], params=params)  # noqa: S610  (compiled, parameterised)
    return queryset.order_by("-created_at")


def memory_history(*, tenant: Tenant, memory: Memory) -> QuerySet[MemoryVersion]:
    return MemoryVersion.objects.filter(tenant=tenant, memory=memory).order_by("version")


def message_list(
    *, tenant: Tenant, user_id: str, conversation_id: str | None = None
) -> QuerySet[Message]:
    queryset = Message.objects.filter(tenant=tenant, user_id=user_id)
    if conversation_id:
        queryset = queryset.filter(conversation_id=conversation_id)
    return queryset.order_by("timestamp", "id")
