"""At start: the embedding backend's dimension must match the vector column."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
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


@register()
def embedding_dimension_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    wanted = vector_dim_for(settings.EMBEDDING_BACKEND)
    try:
        actual = column_dimension()
    except DatabaseError:
        return []  # not migrated yet
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
