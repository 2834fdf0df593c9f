"""Hybrid search: pgvector and BM25 over our own tsvectors, fused by weighted reciprocal rank.

A question is ranked by the embedder's vectors and BM25. A dialogue (`messages`, or a transcript
as `query`: apps.memories.query) is ranked by its last turns with both packaged embedders (the
second's vectors are `embedding_second`) and BM25 at half weight: measured on bench/dialogue.py
and LoCoMo (docs/benchmarks.md, issue 11).

The raw SQL here is the one place that filters by tenant by hand: every statement starts from
`_scope_sql`, whose first condition is the tenant."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection

from apps.core.errors import BadRequest
from apps.memories import text
from apps.memories.access import access_record
from apps.memories.embeddings import get_embedder, get_second_embedder, use_binary_vectors
from apps.memories.filters import compile_filters
from apps.memories.models import Memory, TermStat
from apps.memories.query import LookupText, lookup_text
from apps.memories.selectors.linked import linked_ranking, rankings_fuse
from apps.memories.selectors.rerank import (
    Hit,
    OneAnswer,
    finite,
    mmr,
    owners_before_borrowers,
    same_words_key,
)
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table
_EMBED_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="embed")
BM25_K1, BM25_B = 1.2, 0.75


@dataclass
class SearchQuery:
    query: str
    # The dialogue so far ([{"role", "content"}], as chat has it): searched for by its last turns
    # (apps.memories.query), like a `query` that is a transcript.
    messages: list[dict[str, Any]] | None = None
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
    vector: list[float] | None = None  # a client-supplied query embedding
    # Fuse the memories linked to what the query names (the graph; hybrid mode only).
    linked: bool = True


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


def _keyword_weights(
    q: SearchQuery, terms: list[str], stats: dict[str, tuple[int, int]]
) -> tuple[list[float], float, list[str]]:
    """BM25 IDF of each term, the mean document length, and the terms that select candidates:
    those in at most a fifth of the scope's memories (all terms when every one is common), so a
    word that is everywhere scores but does not drag every row into the candidate set."""
    if "" not in stats:
        return [1.0] * len(terms), 20.0, terms
    n_docs, total_length = stats[""]
    n_docs = max(n_docs, 1)
    dfs = [stats.get(t, (0, 0))[0] for t in terms]
    idf = [math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in dfs]
    selective = [t for t, df in zip(terms, dfs, strict=True) if 0 < df <= n_docs / 5]
    return idf, max(total_length / n_docs, 1.0), selective or terms


VECTOR_SQL = """
    SELECT m.id, NULL::float8 FROM {table} m WHERE {scope} AND m.{column} IS NOT NULL
    ORDER BY (m.{column} <=> %s) {exact} LIMIT %s
"""
# `+ 0` makes the ordering an expression the HNSW index cannot serve, so PostgreSQL computes every
# distance in the (btree-filtered) scope: exact, and steadier than a filtered HNSW walk when the
# scope is a small part of the table. For one user that is an index-only scan of the covering
# index `memories_user_vectors` (apps.memories.maintenance).
EXACT = "+ 0"
# Promoted FAQs of the tenant close to the query (apps.pipeline.faq), fetched in the same round
# trip as the vector ranking: they come first in the hits.
FAQ_SQL = """
    SELECT f.id, 1 - (f.embedding <=> %s) FROM {table} f
    WHERE f.tenant_id = %s AND f.kind = 'faq' AND f.status = 'activated'
      AND f.embedding IS NOT NULL AND (f.embedding <=> %s) <= %s
    ORDER BY (f.embedding <=> %s) + 0 LIMIT %s
"""
FAQ_LIMIT = 2
KEYWORD_SQL = """
    SELECT c.id, SUM(w.idf * cardinality(u.positions) * {k1p1}
               / (cardinality(u.positions) + {k1} * (1 - {b} + {b} * c.search_length / %s)))
    FROM (
        SELECT m.id, m.search_vector, m.search_length FROM {table} m
        WHERE {scope} AND m.search_vector @@ %s::tsquery
        LIMIT 5000
    ) c
    CROSS JOIN LATERAL unnest(c.search_vector) u
    JOIN unnest(%s::text[], %s::float8[]) AS w(term, idf) ON w.term = u.lexeme
    GROUP BY c.id ORDER BY 2 DESC LIMIT %s
"""
# The same BM25 from the trigger-kept postings (migration 0006) when the scope is one user, or
# the whole tenant, and nothing else: an index-only scan of the query terms' entries, no memory
# rows read.
POSTINGS_SQL = """
    SELECT p.memory_id, SUM(w.idf * p.tf * {k1p1}
               / (p.tf + {k1} * (1 - {b} + {b} * p.length / %s)))
    FROM memories_posting p
    JOIN unnest(%s::text[], %s::float8[], %s::bool[]) AS w(term, idf, selective)
        ON w.term = p.term
    WHERE p.tenant_id = %s {user} AND p.term = ANY(%s::text[])
    GROUP BY p.memory_id HAVING bool_or(w.selective) ORDER BY 2 DESC, 1 LIMIT %s
"""


def _postings_scope(q: SearchQuery) -> bool:
    """A scope the postings serve: one user or the whole tenant, with no other condition."""
    return not (
        q.agent_id
        or q.conversation_id
        or q.memory_type
        or q.tags
        or q.created_after
        or q.created_before
        or q.filters
    )


def _keyword_ranking(
    tenant: Tenant, q: SearchQuery, terms: list[str], stats: dict[str, tuple[int, int]], n: int
) -> list[str]:
    idf, avg_length, selective = _keyword_weights(q, terms, stats)
    weights = {"k1": BM25_K1, "k1p1": BM25_K1 + 1, "b": BM25_B}
    if _postings_scope(q):
        sql = POSTINGS_SQL.format(user="AND p.user_id = %s" if q.user_id else "", **weights)
        flags = [term in selective for term in terms]
        user = [q.user_id] if q.user_id else []
        args: list[Any] = [avg_length, terms, idf, flags, tenant.pk, *user, terms, n]
    else:
        scope, params = _scope_sql(tenant, q)
        sql = KEYWORD_SQL.format(table=TABLE, scope=scope, **weights)
        args = [avg_length, *params, text.tsquery_literal(selective), terms, idf, n]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [str(row[0]) for row in cursor.fetchall()]


def _scope_stats(tenant: Tenant, q: SearchQuery, terms: list[str]) -> dict[str, tuple[int, int]]:
    """BM25 statistics of the scope: {"": (documents, total length), term: (df, 0)}. One user's
    are kept in TermStat; the tenant's are the sum of its users' documents and, per term, a
    count of postings (an index-only scan of `memories_posting_tenant`)."""
    with connection.cursor() as cursor:
        if q.user_id:
            cursor.execute(
                f"SELECT term, df, total_length FROM {TermStat._meta.db_table} "
                "WHERE tenant_id = %s AND user_id = %s AND term = ANY(%s)",
                [tenant.pk, q.user_id, ["", *terms]],
            )
            return {term: (df, total) for term, df, total in cursor.fetchall()}
        if not terms:
            return {}
        cursor.execute(
            f"SELECT COALESCE(SUM(df), 0), COALESCE(SUM(total_length), 0) "
            f"FROM {TermStat._meta.db_table} WHERE tenant_id = %s AND term = ''",
            [tenant.pk],
        )
        docs, total = cursor.fetchone()
        cursor.execute(
            "SELECT term, count(*) FROM memories_posting "
            "WHERE tenant_id = %s AND term = ANY(%s) GROUP BY term",
            [tenant.pk, terms],
        )
        return {"": (int(docs), int(total))} | {t: (n, 0) for t, n in cursor.fetchall()}


# The weight of each ranking in the fusion, for a question and for a dialogue (bench/dialogue.py
# and bench/locomo.py chose them; docs/benchmarks.md lists every variant tried).
WEIGHTS = {
    False: {"vector": 1.0, "keyword": 1.0, "second": 0.0},
    True: {"vector": 1.0, "keyword": 0.5, "second": 1.0},
}


@dataclass
class Rankings:
    rankings: list[tuple[list[str], float]]  # (memory ids best first, weight in the fusion)
    vector: np.ndarray  # the query embedding
    faqs: list[tuple[str, float]]  # matching promoted FAQs with their similarity
    terms: list[str]  # the query's lexemes
    linked: list[str] = field(default_factory=list)  # memories linked to what the query names


def _second_ranking(
    tenant: Tenant, q: SearchQuery, lookup: LookupText, n: int, *, exact: bool
) -> list[str]:
    """The second embedder's ranking (empty when it has no weight, no text or is off)."""
    second = get_second_embedder()
    if (
        second is None
        or not WEIGHTS[lookup.dialogue]["second"]
        or q.mode == "keyword"
        or not lookup.text.strip()
    ):
        return []
    qvector = second.embed_query(lookup.text)
    scope, params = _scope_sql(tenant, q)
    sql = VECTOR_SQL.format(
        table=TABLE, scope=scope, column="embedding_second", exact=EXACT if exact else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, qvector, n])
        return [str(row[0]) for row in cursor.fetchall()]


def _rankings(
    tenant: Tenant,
    q: SearchQuery,
    lookup: LookupText,
    embed: Callable[[], np.ndarray],
    n: int,
    *,
    overlap: bool,
) -> Rankings:
    """The vector and keyword rankings, and the FAQs that match. With `overlap` (a remote
    embedder, or none) the query is embedded in another thread while the term statistics are
    read and the keyword ranking runs. An in-process embedder already uses every core, and
    sharing them with the database makes it slower than the SQL it would hide (on 2 cores:
    22.5 ms for the rankings overlapped against ~15 sequential), so it runs first."""
    scope, params = _scope_sql(tenant, q)
    weights = WEIGHTS[lookup.dialogue]
    terms = text.query_terms(lookup.text) if q.mode in {"hybrid", "keyword"} else []
    if overlap:
        future = _EMBED_POOL.submit(embed)
    else:
        qvector = embed()
    stats = _scope_stats(tenant, q, terms)
    rankings: list[tuple[list[str], float]] = []
    if terms:
        rankings.append((_keyword_ranking(tenant, q, terms, stats, n), weights["keyword"]))
    if overlap:
        qvector = future.result()
    faqs: list[tuple[str, float]] = []
    docs = stats.get("", (None, 0))[0]
    exact = bool(q.user_id) and docs is not None and docs <= settings.SEARCH_EXACT_MAX
    if q.mode in {"hybrid", "vector"}:
        use_binary_vectors()
        sql = VECTOR_SQL.format(
            table=TABLE, scope=scope, column="embedding", exact=EXACT if exact else ""
        )
        args: list[Any] = [*params, qvector, n]
        if lookup.text:
            sql = f"({sql}) UNION ALL ({FAQ_SQL.format(table=TABLE)})"
            distance = 1 - settings.FAQ_MATCH_SIMILARITY
            args += [qvector, tenant.pk, qvector, distance, qvector, FAQ_LIMIT]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        rankings.insert(0, ([str(mid) for mid, faq in rows if faq is None], weights["vector"]))
        faqs = [(str(mid), float(faq)) for mid, faq in rows if faq is not None]
        second = _second_ranking(tenant, q, lookup, n, exact=exact)
        rankings.append((second, weights["second"]))
    if q.mode == "hybrid" and q.linked:
        linked = linked_ranking(tenant=tenant, user_id=q.user_id, text=lookup.text, scope=scope,
                                params=params, qvector=qvector, n=n)  # fmt: skip
    else:
        linked = []
    return Rankings([(r, w) for r, w in rankings if r and w], qvector, faqs, terms, linked)


def _second_similarity(tenant: Tenant, ids: list[str], lookup: LookupText) -> dict[str, float]:
    """Cosine of the query with each memory's own text by the second embedder (whose vectors
    are of the value alone, without borrowed context); {} when it is off."""
    second = get_second_embedder()
    if second is None or not lookup.text.strip():
        return {}
    qvector = second.embed_query(lookup.text)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, 1 - (m.embedding_second <=> %s) FROM {TABLE} m "
            "WHERE m.tenant_id = %s AND m.id = ANY(%s::uuid[]) AND m.embedding_second IS NOT NULL",
            [qvector, tenant.pk, ids],
        )
        return {str(mid): finite(sim) for mid, sim in cursor.fetchall()}


def memory_search(*, tenant: Tenant, q: SearchQuery, candidates: int | None = None) -> list[Hit]:
    def embed() -> np.ndarray:
        if q.vector is not None:
            vector = np.asarray(q.vector, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            if norm == 0.0 or not math.isfinite(norm):  # no direction: every cosine is NaN
                raise BadRequest(
                    "The query vector has no direction; send a non-zero embedding.",
                    code="vector_without_direction",
                )
            return vector / norm
        return get_embedder().embed_query(lookup.text)

    n = max(candidates or settings.SEARCH_CANDIDATES, q.limit * 3)
    overlap = q.vector is not None or not get_embedder().local
    lookup = lookup_text(q.query, q.messages)
    found = _rankings(tenant, q, lookup, embed, n, overlap=overlap)
    fused = rankings_fuse(found.rankings, found.linked)
    wanted = q.limit * 3 if q.mmr else (q.limit * 2 if q.threshold is not None else q.limit)
    # More than wanted: a memory that repeats a better one gives its place (a turn and a fact
    # drawn from it; the same words from the same turns).
    pool = fused[: wanted * 2 + 2]
    ids = [mid for mid, _ in pool] + [mid for mid, _ in found.faqs]
    rows = _fetch_hits(tenant, ids, found.vector, with_vectors=q.mmr)
    pool = owners_before_borrowers(
        pool, rows, found.terms, lambda ids: _second_similarity(tenant, ids, lookup)
    )
    hits: list[Hit] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    said = OneAnswer()
    for memory_id, score in pool:
        memory = rows.get(memory_id)
        if memory is None or len(hits) == wanted:
            continue
        similarity = finite(memory.similarity)
        if q.threshold is not None and similarity < q.threshold:
            continue
        same = same_words_key(memory)
        if same in seen or not said.take(memory):
            continue
        seen.add(same)
        hits.append(Hit(memory=memory, score=round(score, 6), similarity=round(similarity, 6)))
    if q.mmr:
        vectors = {str(h.memory.pk): np.asarray(h.memory.embedding) for h in hits}
        hits = mmr(hits, vectors, q.limit)
    faqs = [Hit(memory=rows[mid], score=1.0, similarity=round(sim, 6))
            for mid, sim in found.faqs if mid in rows]  # fmt: skip
    if faqs:
        first = {str(h.memory.pk) for h in faqs}
        hits = faqs + [h for h in hits if str(h.memory.pk) not in first]
    hits = hits[: q.limit]
    access_record(tenant_id=tenant.pk, memory_ids=[str(h.memory.pk) for h in hits])
    return hits


_HIT_COLUMNS = [f.column for f in Memory._meta.concrete_fields
                if f.column not in {"search_vector", "embedding", "embedding_second"}]  # fmt: skip
HITS_SQL = """
    SELECT {columns}, 1 - (m.embedding <=> %s) AS similarity FROM {table} m
    WHERE m.tenant_id = %s AND m.id = ANY(%s::uuid[])
"""


def _fetch_hits(
    tenant: Tenant, ids: list[str], qvector: np.ndarray, *, with_vectors: bool
) -> dict[str, Memory]:
    """The hits' rows with their cosine similarity. Raw SQL: the same query through the ORM
    (filter, annotate, defer) spent three times as long building itself as running."""
    if not ids:
        return {}
    columns = _HIT_COLUMNS + (["embedding"] if with_vectors else [])
    sql = HITS_SQL.format(columns=", ".join(f"m.{c}" for c in columns), table=TABLE)
    rows = Memory.objects.raw(sql, [qvector, tenant.pk, ids])
    return {str(m.pk): m for m in rows}
