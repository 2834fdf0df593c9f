"""At start: the embedding backend's dimension must match the vector column."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

from apps.memories.embeddings import vector_dim_for
from apps.memories.models import Memory


def column_dimension() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT atttypmod FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'embedding'",
            [Memory._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _migrations_pending() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "memories"]
    return bool(executor.migration_plan(targets))


@register(Tags.database)
def embedding_dimension_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Runs with `check --database default` (and so before `make run` starts anything)."""
    wanted = vector_dim_for(settings.EMBEDDING_BACKEND)
    try:
        if _migrations_pending():
            return []  # the pending migration sets the dimension
        actual = column_dimension()
    except DatabaseError:
        return []
    if actual is None or actual == wanted:
        return []
    return [
        Error(
            f"EMBEDDING_BACKEND={settings.EMBEDDING_BACKEND} makes {wanted}-d vectors but the "
            f"memory embedding column holds {actual}-d vectors.",
            hint="Run `python manage.py reembed --resize` to change the column and re-embed.",
            id="memories.E001",
        )
    ]
