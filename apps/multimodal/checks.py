"""At start: the image and audio columns must hold the dimensions the settings name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

from apps.multimodal.models import MultimodalItem

COLUMNS = (("image_embedding", "MULTIMODAL_IMAGE_DIM", "E001"),
           ("audio_embedding", "MULTIMODAL_AUDIO_DIM", "E002"))  # fmt: skip


def column_dimension(column: str) -> int | None:
    """The halfvec column's dimension in the database (None: no table, or no dimension)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT atttypmod FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s",
            [MultimodalItem._meta.db_table, column],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] > 0 else None


def _migrations_pending() -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "multimodal"]
    return bool(executor.migration_plan(targets))


@register(Tags.database)
def multimodal_dimension_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Runs with `check --database default` (and so before `make run` starts anything)."""
    try:
        if _migrations_pending():
            return []  # the pending migration creates the columns with the configured sizes
        actual = {column: column_dimension(column) for column, *_ in COLUMNS}
    except DatabaseError:
        return []
    errors = []
    for column, setting, code in COLUMNS:
        wanted = getattr(settings, setting)
        if actual[column] is not None and actual[column] != wanted:
            errors.append(Error(
                f"{setting}={wanted} but the multimodal {column} column holds "
                f"{actual[column]}-d vectors.",
                hint=f"Set {setting}={actual[column]}, or change the column (ALTER TABLE "
                f"{MultimodalItem._meta.db_table} ALTER COLUMN {column} TYPE halfvec({wanted}) "
                "USING NULL drops the stored vectors) and rebuild its HNSW index.",
                id=f"multimodal.{code}",
            ))  # fmt: skip
    return errors
