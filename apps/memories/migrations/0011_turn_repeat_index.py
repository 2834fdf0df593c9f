"""Issue 11 ("one answer per fact"): a statement said again is found by the md5 of its normal
form among the user's active turns (apps.memories.services.turns). This indexes that expression;
NORMAL_SQL here must stay the text of turns.NORMAL_SQL (a test compares them), or PostgreSQL
stops using the index. No model state changes: the index is on an expression of `value`."""

from django.db import migrations

NORMAL_SQL = (
    r"btrim(regexp_replace(regexp_replace(replace(lower(normalize({}, NFKC)), '’', ''''), "
    r"'\s+', ' ', 'g'), '[\s.!?。！？…~～,，;；:：、]+$', ''))"
)
INDEX = "memories_turn_repeat_idx"


class Migration(migrations.Migration):
    dependencies = [("memories", "0010_import_stage")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON memories_memory "
            f"(tenant_id, user_id, md5({NORMAL_SQL.format('value')})) "
            "WHERE kind = 'turn' AND status = 'activated'",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
