from django.db import migrations, models

# Before the constraint: of several current edges of one fact (left by concurrent stores), the
# oldest takes every source and the others are removed.
DUPLICATES = """
    SELECT id, keeper FROM (
        SELECT id, min(id) OVER (PARTITION BY tenant_id, user_id, subject_id, predicate, object_id)
               AS keeper
        FROM graph_relation
        WHERE valid_to IS NULL AND invalidated_at IS NULL
    ) AS ranked
    WHERE id <> keeper
"""
MERGE_DUPLICATES = [
    # foreign keys checked per statement: deferred checks would leave trigger events pending,
    # and PostgreSQL refuses to build the index below in that transaction
    "SET CONSTRAINTS ALL IMMEDIATE",
    f"""INSERT INTO graph_relationsource (tenant_id, relation_id, memory_id, message_id)
        SELECT s.tenant_id, d.keeper, s.memory_id, s.message_id
        FROM graph_relationsource AS s JOIN ({DUPLICATES}) AS d ON s.relation_id = d.id
        ON CONFLICT DO NOTHING""",
    f"DELETE FROM graph_relationsource WHERE relation_id IN (SELECT id FROM ({DUPLICATES}) AS d)",
    f"DELETE FROM graph_relation WHERE id IN (SELECT id FROM ({DUPLICATES}) AS d)",
    "SET CONSTRAINTS ALL DEFERRED",
]


class Migration(migrations.Migration):
    dependencies = [
        ("graph", "0002_entity_key_index"),
    ]

    operations = [
        migrations.RunSQL(MERGE_DUPLICATES, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="relation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("invalidated_at__isnull", True), ("valid_to__isnull", True)),
                fields=("tenant", "user_id", "subject", "predicate", "object"),
                name="graph_relation_one_current",
            ),
        ),
    ]
