"""Keyword postings: one row per (user, lexeme, memory) for every active memory, kept by a
trigger from the memory's tsvector, so that BM25 over a user's memories reads a few index
entries per query term (an index-only scan) instead of fetching every matching memory row and
unnesting its tsvector. apps.memories.selectors uses it for searches scoped to one user; the
GIN index still serves other scopes.

A trigger rather than application code: every writer of `search_vector` or `status` (services,
bulk loads, GDPR erasure, manual SQL) keeps the postings right without knowing about them."""

from django.db import migrations

CREATE = """
CREATE TABLE memories_posting (
    tenant_id bigint NOT NULL,
    user_id varchar(200) NOT NULL,
    term text NOT NULL,
    memory_id uuid NOT NULL,
    tf integer NOT NULL,
    length integer NOT NULL
);
CREATE UNIQUE INDEX memories_posting_key ON memories_posting (tenant_id, user_id, term, memory_id)
    INCLUDE (tf, length);

CREATE FUNCTION memories_posting_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.search_vector IS NOT NULL THEN
        DELETE FROM memories_posting
        WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id
          AND term = ANY (tsvector_to_array(OLD.search_vector)) AND memory_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'activated'
       AND NEW.search_vector IS NOT NULL THEN
        INSERT INTO memories_posting (tenant_id, user_id, term, memory_id, tf, length)
        SELECT NEW.tenant_id, NEW.user_id, u.lexeme, NEW.id, cardinality(u.positions),
               NEW.search_length
        FROM unnest(NEW.search_vector) AS u;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER memories_posting_insert AFTER INSERT ON memories_memory
    FOR EACH ROW EXECUTE FUNCTION memories_posting_sync();
CREATE TRIGGER memories_posting_update AFTER UPDATE ON memories_memory
    FOR EACH ROW
    WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector
          OR OLD.search_length IS DISTINCT FROM NEW.search_length
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION memories_posting_sync();
CREATE TRIGGER memories_posting_delete AFTER DELETE ON memories_memory
    FOR EACH ROW EXECUTE FUNCTION memories_posting_sync();

INSERT INTO memories_posting (tenant_id, user_id, term, memory_id, tf, length)
SELECT m.tenant_id, m.user_id, u.lexeme, m.id, cardinality(u.positions), m.search_length
FROM memories_memory m CROSS JOIN LATERAL unnest(m.search_vector) AS u
WHERE m.status = 'activated' AND m.search_vector IS NOT NULL;
"""

DROP = """
DROP TRIGGER IF EXISTS memories_posting_insert ON memories_memory;
DROP TRIGGER IF EXISTS memories_posting_update ON memories_memory;
DROP TRIGGER IF EXISTS memories_posting_delete ON memories_memory;
DROP FUNCTION IF EXISTS memories_posting_sync();
DROP TABLE IF EXISTS memories_posting;
"""


class Migration(migrations.Migration):
    dependencies = [("memories", "0005_halfvec_embeddings")]

    operations = [migrations.RunSQL(CREATE, DROP)]
