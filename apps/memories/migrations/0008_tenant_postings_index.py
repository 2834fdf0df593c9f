"""Keyword postings by tenant and term, for BM25 over a whole tenant (searches without a user):
an index-only scan of the query terms' entries, as the per-user key serves one user."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("memories", "0007_vacuum_for_index_only_scans")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX memories_posting_tenant ON memories_posting (tenant_id, term) "
            "INCLUDE (memory_id, tf, length)",
            "DROP INDEX IF EXISTS memories_posting_tenant",
        )
    ]
