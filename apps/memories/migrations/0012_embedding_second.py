"""A second vector per memory, from the second packaged embedder (settings.SECOND_EMBEDDING_BACKEND,
USE beside e5 by default): search fuses its ranking with the first's for dialogue queries (issue
11). The column's dimension follows the setting, like `embedding`'s; memories stored before this
migration get their second vector from `manage.py reembed` and are meanwhile ranked by the others.
"""

import pgvector.django.halfvec
from django.conf import settings
from django.db import migrations, models

HNSW = "memories_second_hnsw"
USER_VECTORS = "memories_user_second_vectors"


def add_column(apps, schema_editor):
    from apps.memories.embeddings import vector_dim_for

    backend = settings.SECOND_EMBEDDING_BACKEND
    dim = int(vector_dim_for(backend)) if backend else 512
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE memories_memory ADD COLUMN embedding_second halfvec({dim})")
        cursor.execute(
            f"CREATE INDEX {HNSW} ON memories_memory "
            "USING hnsw (embedding_second halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)"
        )
        cursor.execute(
            f"CREATE INDEX {USER_VECTORS} ON memories_memory (tenant_id, user_id) "
            "INCLUDE (id, embedding_second) "
            "WHERE status = 'activated' AND embedding_second IS NOT NULL"
        )


def drop_column(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE memories_memory DROP COLUMN embedding_second")


class Migration(migrations.Migration):
    dependencies = [("memories", "0011_turn_repeat_index")]

    operations = [
        migrations.AddField(
            model_name="memory",
            name="embedding_second_model",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="memory",
                    name="embedding_second",
                    field=pgvector.django.halfvec.HalfVectorField(null=True),
                )
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
