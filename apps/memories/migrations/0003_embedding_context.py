"""Memories keep the context their embedding saw; the vector column's dimension now follows the
configured embedding backend (it is no longer fixed in the model, so the ORM never casts to a
stale dimension). Vectors of another dimension are dropped here and `reembed` fills them."""

import pgvector.django.vector
from django.conf import settings
from django.db import migrations, models

INDEX = "memories_embedding_hnsw"


def set_dimension(apps, schema_editor):
    from apps.memories.embeddings import vector_dim_for

    dim = int(vector_dim_for(settings.EMBEDDING_BACKEND))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT atttypmod FROM pg_attribute "
            "WHERE attrelid = 'memories_memory'::regclass AND attname = 'embedding'"
        )
        (current,) = cursor.fetchone()
        if current == dim:
            return
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(
            f"ALTER TABLE memories_memory ALTER COLUMN embedding TYPE vector({dim}) USING NULL"
        )
        cursor.execute("UPDATE memories_memory SET embedding_model = ''")
        cursor.execute(
            f"CREATE INDEX {INDEX} ON memories_memory USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)"
        )


class Migration(migrations.Migration):
    dependencies = [("memories", "0002_memory_access_count_memory_last_accessed_at")]

    operations = [
        migrations.AddField(
            model_name="memory",
            name="embed_context",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="memory",
                    name="embedding",
                    field=pgvector.django.vector.VectorField(null=True),
                )
            ],
            database_operations=[migrations.RunPython(set_dimension, migrations.RunPython.noop)],
        ),
    ]
