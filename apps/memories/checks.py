"""At start: the embedding backend's dimension must match the vector column."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

from apps.memories.embeddings import vector_dim_for
from apps.memories.models import Memory


def column_dimension(column: str = "embedding") -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT atttypmod FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [Memory._meta.db_table, column],
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
    columns = [("embedding", "EMBEDDING_BACKEND", settings.EMBEDDING_BACKEND, "E001")]
    if settings.SECOND_EMBEDDING_BACKEND:
        columns.append(("embedding_second", "SECOND_EMBEDDING_BACKEND",
                        settings.SECOND_EMBEDDING_BACKEND, "E002"))  # fmt: skip
    try:
        if _migrations_pending():
            return []  # the pending migration sets the dimension
        actual = {column: column_dimension(column) for column, *_ in columns}
    except DatabaseError:
        return []
    errors = []
    for column, setting, backend, code in columns:
        wanted = vector_dim_for(backend)
        if actual[column] is not None and actual[column] != wanted:
            errors.append(
                Error(
                    f"{setting}={backend} makes {wanted}-d vectors but the memory {column} "
                    f"column holds {actual[column]}-d vectors.",
                    hint="Run `python manage.py reembed --resize` to change it and re-embed.",
                    id=f"memories.{code}",
                )
            )
    return errors
