# ruff: noqa: S608 (table and column names are fixed constants; every value is a parameter)
"""The raw SQL of multimodal search (pgvector, full text). Every statement starts from the
tenant condition, then the user's."""

from __future__ import annotations

from django.db import connection

from apps.multimodal.models import MultimodalItem

TABLE = MultimodalItem._meta.db_table
COLUMNS = {"image": "image_embedding", "audio": "audio_embedding"}


def _literal(vector: list[float]) -> str:
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def user_vector_count(*, tenant_id: int, user_id: str, modality: str, cap: int) -> int:
    column = COLUMNS[modality]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE tenant_id = %s AND user_id = %s "
            f"AND {column} IS NOT NULL LIMIT %s) AS capped",
            [tenant_id, user_id, cap],
        )
        return int(cursor.fetchone()[0])


def vector_search(
    *, tenant_id: int, user_id: str, modality: str, vector: list[float], limit: int, exact: bool
) -> list[tuple[str, float]]:
    """[(item id, cosine similarity)], best first."""
    column = COLUMNS[modality]
    # `+ 0` keeps the planner off the HNSW index: an exact ranking of the user's rows.
    order = f"({column} <=> %s::halfvec) + 0" if exact else f"{column} <=> %s::halfvec"
    literal = _literal(vector)
    with connection.cursor() as cursor:
        if not exact:
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cursor.execute("SET LOCAL hnsw.ef_search = %s", [max(40, 4 * limit)])
        cursor.execute(
            f"SELECT id::text, 1 - ({column} <=> %s::halfvec) AS score FROM {TABLE} "
            f"WHERE tenant_id = %s AND user_id = %s AND {column} IS NOT NULL "
            f"ORDER BY {order} LIMIT %s",
            [literal, tenant_id, user_id, literal, limit],
        )
        rows = cursor.fetchall()
    # relaxed_order may return neighbours slightly out of order: sort what came back.
    return sorted(((r[0], float(r[1])) for r in rows), key=lambda r: -r[1])


def text_search(
    *, tenant_id: int, user_id: str, tsquery: str, limit: int
) -> list[tuple[str, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id::text, ts_rank(search_vector, q) AS score FROM {TABLE}, "
            f"CAST(%s AS tsquery) AS q WHERE tenant_id = %s AND user_id = %s "
            f"AND search_vector @@ q ORDER BY score DESC, created_at DESC LIMIT %s",
            [tsquery, tenant_id, user_id, limit],
        )
        return [(r[0], float(r[1])) for r in cursor.fetchall()]


def search_vector_write(*, tenant_id: int, item_id: str, literal: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET search_vector = %s::tsvector WHERE tenant_id = %s AND id = %s",
            [literal, tenant_id, item_id],
        )
