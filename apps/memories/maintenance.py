"""Re-embedding after a model change, and resizing the vector column for a new dimension."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Q, QuerySet

from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.jobs.services import job_finish, job_progress, job_start
from apps.memories.embeddings import get_embedder, get_second_embedder, use_binary_vectors
from apps.memories.models import Memory, TermStat
from apps.memories.services import (
    embed_second,
    embedding_text,
    index_text,
    search_vectors_write,
    term_stats_apply,
)
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table
HNSW_INDEX = "memories_embedding_hnsw"
# One user's vectors, in key order inside a btree: an exact search of a user's scope is an
# index-only scan over a few hundred pages instead of one heap page per memory (3x faster at
# 10,000 memories). A btree entry must stay under ~2.7 kB and a halfvec takes 2 bytes per
# dimension, so larger vectors go without it (exact scans then read the heap).
USER_VECTORS_INDEX = "memories_user_vectors"
USER_VECTORS_MAX_DIM = 1024


# The vector columns: (HNSW index, covering index of a user's vectors, model-name column).
# `embedding_second` is the second embedder's (migration 0012).
VECTOR_COLUMNS = {
    "embedding": (HNSW_INDEX, USER_VECTORS_INDEX, "embedding_model"),
    "embedding_second": (
        "memories_second_hnsw",
        "memories_user_second_vectors",
        "embedding_second_model",
    ),
}


def vector_indexes_drop(cursor: CursorWrapper, column: str = "embedding") -> None:
    hnsw, user_vectors, _ = VECTOR_COLUMNS[column]
    cursor.execute(f"DROP INDEX IF EXISTS {hnsw}")
    cursor.execute(f"DROP INDEX IF EXISTS {user_vectors}")


def vector_indexes_create(cursor: CursorWrapper, *, dim: int, column: str = "embedding") -> None:
    hnsw, user_vectors, _ = VECTOR_COLUMNS[column]
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {hnsw} ON {TABLE} "
        f"USING hnsw ({column} halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)"
    )
    if dim <= USER_VECTORS_MAX_DIM:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {user_vectors} ON {TABLE} (tenant_id, user_id) "
            f"INCLUDE (id, {column}) WHERE status = 'activated' AND {column} IS NOT NULL"
        )


def vector_column_resize(*, dim: int, column: str = "embedding") -> None:
    """Change a vector column to `dim` dimensions. Every stored vector is dropped (it cannot be
    converted); `memories_reembed` fills them again. The vector indexes are rebuilt."""
    model_column = VECTOR_COLUMNS[column][2]
    with transaction.atomic(), connection.cursor() as cursor:
        vector_indexes_drop(cursor, column)
        cursor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN {column} TYPE halfvec({int(dim)}) USING NULL"
        )
        # The ALTER drops every tenant's vectors, so every row is marked for re-embedding: this
        # statement is deliberately whole-table, even when `reembed --tenant` then re-embeds one
        # tenant (the others are re-embedded by their own run, or by a run without --tenant).
        cursor.execute(f"UPDATE {TABLE} SET {model_column} = ''")
        vector_indexes_create(cursor, dim=dim, column=column)


def _stale(model_name: str, second_name: str) -> QuerySet[Memory]:
    """Memories whose vector, or second vector, is not from the configured model."""
    return Memory.objects.filter(
        ~Q(embedding_model=model_name) | ~Q(embedding_second_model=second_name)
    )


def stale_count(*, tenant: Tenant, model_name: str, second_name: str | None = None) -> int:
    if second_name is None:
        second = get_second_embedder()
        second_name = second.name if second else ""
    with tenant_scope(tenant.pk):
        return _stale(model_name, second_name).count()


def memories_reembed(
    *,
    tenant: Tenant,
    batch_size: int = 64,
    on_progress: Callable[[int, int], None] | None = None,
) -> Job:
    """Re-embed every memory of `tenant` whose vector is not from the current model.
    Resumable: an interrupted run leaves finished rows marked with the new model's name, and the
    next run picks up only the rest."""
    embedder = get_embedder()
    second = get_second_embedder()
    second_name = second.name if second else ""
    total = stale_count(tenant=tenant, model_name=embedder.name, second_name=second_name)
    job = job_start(tenant=tenant, kind="reembed", total=total, params={"model": embedder.name})
    done = 0
    try:
        with tenant_scope(tenant.pk):
            while True:
                batch = list(
                    _stale(embedder.name, second_name)
                    .order_by("pk")
                    .only("pk", "value", "embed_context")[:batch_size]
                )
                if not batch:
                    break
                texts = [embedding_text(m.value, m.embed_context) for m in batch]
                vectors = embedder.embed_documents(texts)
                seconds, _ = embed_second([m.value for m in batch])
                use_binary_vectors()
                with connection.cursor() as cursor:  # the tenant condition too: defence in depth
                    cursor.executemany(
                        f"UPDATE {TABLE} SET embedding = %s, embedding_model = %s, "
                        "embedding_second = %s, embedding_second_model = %s "
                        "WHERE tenant_id = %s AND id = %s",
                        [
                            (v, embedder.name, s, second_name, tenant.pk, m.pk)
                            for m, v, s in zip(batch, vectors, seconds, strict=True)
                        ],
                    )
                done += len(batch)
                job_progress(job=job, done=done)
                if on_progress:
                    on_progress(done, total)
    except Exception as exc:
        job_finish(job=job, ok=False, message=str(exc)[:500])
        raise
    job_finish(job=job, message=f"re-embedded {done} memories with {embedder.name}")
    return job


def keywords_reindex(
    *, tenant: Tenant, on_progress: Callable[[int, int], None] | None = None
) -> Job:
    """Rebuild the keyword index and BM25 statistics of every user of `tenant` (after a change
    to the text analysis). Per user in one transaction: search stays consistent meanwhile."""

    with tenant_scope(tenant.pk):
        users = list(
            Memory.objects.filter(status=Memory.Status.ACTIVATED)
            .values_list("user_id", flat=True)
            .distinct()
            .order_by("user_id")
        )
        total = Memory.objects.filter(status=Memory.Status.ACTIVATED).count()
        job = job_start(tenant=tenant, kind="reindex_keywords", total=total)
        done = 0
        for user_id in users:
            memories = list(
                Memory.objects.filter(user_id=user_id, status=Memory.Status.ACTIVATED).defer(
                    "embedding"
                )
            )
            with transaction.atomic():
                TermStat.objects.filter(user_id=user_id).delete()
                search_vectors_write(memories)
                term_stats_apply(
                    tenant_id=tenant.pk,
                    user_id=user_id,
                    added=[index_text(m) for m in memories],
                    removed=[],
                )
            done += len(memories)
            job_progress(job=job, done=done)
            if on_progress:
                on_progress(done, total)
    job_finish(job=job, message=f"reindexed {done} memories of {len(users)} users")
    return job
