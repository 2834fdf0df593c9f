"""The fast paths of search give the answers of the general ones: keyword postings kept by the
database trigger, exact per-user vector scans over half-precision vectors, the covering index."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from apps.core.tenancy import tenant_scope
from apps.memories import maintenance
from apps.memories.models import Memory
from apps.memories.selectors import SearchQuery, memory_search
from apps.memories.services import memories_delete, memory_update
from tests.memories.factories import make_memories

TEXTS = [
    "I moved to Shanghai last spring and I love the food in Shanghai",
    "My sister lives in Shanghai",
    "我的妹妹住在上海，她喜欢草莓",
    "我喜欢草莓和苹果",
    "The quarterly report about Shanghai sales is due Friday, ask Omar",
    "Omar's birthday is on the fifth of May",
    "周末我们去北京看长城",
]


def _postings(tenant_id: int) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id, term, memory_id::text, tf, length FROM memories_posting "
            "WHERE tenant_id = %s",
            [tenant_id],
        )
        return set(cursor.fetchall())


def _expected_postings(tenant_id: int) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.user_id, u.lexeme, m.id::text, cardinality(u.positions), m.search_length "
            "FROM memories_memory m CROSS JOIN LATERAL unnest(m.search_vector) u "
            "WHERE m.tenant_id = %s AND m.status = 'activated'",
            [tenant_id],
        )
        return set(cursor.fetchall())


def test_postings_follow_every_write(alice):
    tenant = alice.tenant
    memories = make_memories(tenant, "u1", TEXTS) + make_memories(tenant, "u2", TEXTS[:2])
    assert _postings(tenant.pk) == _expected_postings(tenant.pk)
    assert len(_postings(tenant.pk)) > 40
    with tenant_scope(tenant.pk):
        memory_update(
            tenant=tenant, memory_id=str(memories[0].pk), actor="t", value="I live in Hangzhou"
        )
        memories_delete(tenant=tenant, memories=[memories[1]], actor="t")
        Memory.objects.filter(pk=memories[2].pk).update(status=Memory.Status.ARCHIVED)
        Memory.objects.filter(pk=memories[3].pk).delete()
    postings = _postings(tenant.pk)
    assert postings == _expected_postings(tenant.pk)
    ids = {memory_id for _, _, memory_id, _, _ in postings}
    assert str(memories[0].pk) in ids
    assert not ids & {str(m.pk) for m in memories[1:4]}


@pytest.mark.parametrize(
    "query", ["Shanghai", "Omar birthday", "草莓", "上海 妹妹", "Shanghai 草莓"]
)
def test_keyword_postings_rank_like_the_full_text_index(alice, query):
    """A search scoped to one user reads the postings; adding a filter that keeps every memory
    sends it through the GIN index instead. Both must rank alike."""
    tenant = alice.tenant
    make_memories(tenant, "u1", TEXTS, tags=["all"])
    make_memories(tenant, "u2", TEXTS)  # another user's matches stay out of both
    with tenant_scope(tenant.pk):
        fast = memory_search(
            tenant=tenant, q=SearchQuery(query=query, user_id="u1", mode="keyword")
        )
        general = memory_search(
            tenant=tenant,
            q=SearchQuery(query=query, user_id="u1", mode="keyword", tags=["all"]),
        )
    assert fast, query
    assert [h.memory.value for h in fast] == [h.memory.value for h in general]
    assert {h.memory.user_id for h in fast} == {"u1"}


@pytest.mark.parametrize("query", ["Shanghai", "Omar birthday", "草莓", "上海 妹妹"])
def test_tenant_wide_keyword_postings_rank_like_the_full_text_index(alice, charlie, query):
    """Without a user, BM25 runs over the tenant's postings with tenant statistics; through the
    GIN index (a filter that keeps everything) it must rank the same, and stay in the tenant."""
    make_memories(alice.tenant, "u1", TEXTS[:4], tags=["all"])
    make_memories(alice.tenant, "u2", TEXTS[4:], tags=["all"])
    make_memories(charlie.tenant, "u1", TEXTS)
    with tenant_scope(alice.tenant.pk):
        fast = memory_search(tenant=alice.tenant, q=SearchQuery(query=query, mode="keyword"))
        general = memory_search(
            tenant=alice.tenant, q=SearchQuery(query=query, mode="keyword", tags=["all"])
        )
    assert fast, query
    assert [h.memory.pk for h in fast] == [h.memory.pk for h in general]
    assert {h.memory.tenant_id for h in fast} == {alice.tenant.pk}


def test_exact_vector_search_orders_by_cosine(alice):
    tenant = alice.tenant
    memories = make_memories(tenant, "u1", TEXTS)
    make_memories(tenant, "u2", ["My sister lives in Shanghai"])
    query = np.random.default_rng(7).normal(size=384).astype(np.float32)
    with tenant_scope(tenant.pk):
        vectors = {
            str(m.pk): np.asarray(m.embedding, dtype=np.float32)
            for m in Memory.objects.filter(pk__in=[m.pk for m in memories])
        }
        hits = memory_search(
            tenant=tenant,
            q=SearchQuery(query="", user_id="u1", mode="vector", vector=list(query), limit=7),
        )
    unit = query / np.linalg.norm(query)
    expected = sorted(vectors, key=lambda mid: -float(vectors[mid] @ unit))
    assert [str(h.memory.pk) for h in hits] == expected
    for hit in hits:  # half precision: cosine within 1e-3 of float32
        assert abs(hit.similarity - float(vectors[str(hit.memory.pk)] @ unit)) < 1e-3


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'memories_memory'")
        return {row[0] for row in cursor.fetchall()}


def test_covering_index_only_for_vectors_that_fit_a_btree_entry(db):
    assert {maintenance.HNSW_INDEX, maintenance.USER_VECTORS_INDEX} <= _indexes()
    maintenance.vector_column_resize(dim=1536)
    assert maintenance.HNSW_INDEX in _indexes()
    assert maintenance.USER_VECTORS_INDEX not in _indexes()
    maintenance.vector_column_resize(dim=384)
    assert {maintenance.HNSW_INDEX, maintenance.USER_VECTORS_INDEX} <= _indexes()


def test_a_fact_in_its_turns_words_gives_its_place(alice):
    """The pipeline keeps a turn and the fact found in it; when the words are the same, search
    shows one. Two different turns that happen to say the same thing both stay."""
    body = alice.client().post("/v1/memory/add", {"user_id": "u1", "infer": True,
                                                  "messages": "I prefer green tea"},
                               format="json").json()  # fmt: skip
    assert sorted(m["kind"] for m in body["results"]) == ["preference", "turn"]
    make_memories(alice.tenant, "u1", ["I prefer green tea", "Green tea in the morning"])
    with tenant_scope(alice.tenant.pk):
        hits = memory_search(tenant=alice.tenant,
                             q=SearchQuery(query="green tea", user_id="u1", limit=3))  # fmt: skip
    values = [h.memory.value for h in hits]
    assert values.count("I prefer green tea") == 2  # the pipeline's pair once, the other turn
    assert "Green tea in the morning" in values
