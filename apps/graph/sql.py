"""The graph's raw SQL: the path walk (a recursive CTE). Every statement is led by the tenant
condition, on the seed rows and on every edge joined, so a walk never leaves its tenant even
through an edge that would (none can: both ends of an edge are the tenant's own entities)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.db.utils import OperationalError

from apps.core.errors import AppError

# Walked breadth first (PostgreSQL evaluates a recursive CTE level by level): the first rows are
# the shortest paths, and the LIMIT stops the walk once enough have been found. A node already on
# a path is not entered again (cycles), and the depth is bounded.
_STEP_OUT = """
    SELECT r.object_id AS node, r.predicate::text AS pred
    FROM graph_relation r
    WHERE r.tenant_id = %(tenant)s AND r.subject_id = w.node
      AND r.valid_to IS NULL AND r.invalidated_at IS NULL"""
_STEP_IN = """
    SELECT r.subject_id AS node, ('~' || r.predicate)::text AS pred
    FROM graph_relation r
    WHERE r.tenant_id = %(tenant)s AND r.object_id = w.node
      AND r.valid_to IS NULL AND r.invalidated_at IS NULL"""

_PATHS = """
WITH RECURSIVE walk(node, nodes, preds, depth) AS (
    SELECT e.id, ARRAY[e.id], ARRAY[]::text[], 0
    FROM graph_entity e
    WHERE e.tenant_id = %(tenant)s AND e.id = ANY(%(sources)s)
  UNION ALL
    SELECT step.node, w.nodes || step.node, w.preds || step.pred, w.depth + 1
    FROM walk w
    CROSS JOIN LATERAL ({steps}) step
    WHERE w.depth < %(max_depth)s
      AND NOT step.node = ANY(w.nodes)
      AND NOT w.node = ANY(%(targets)s)
)
SELECT nodes, preds FROM walk
WHERE node = ANY(%(targets)s) AND depth > 0
LIMIT %(limit)s
"""


class PathTooCostly(AppError):
    status = 422
    default_code = "path_search_too_costly"


def paths_find(
    *,
    tenant_id: int,
    sources: list[int],
    targets: list[int],
    max_depth: int,
    limit: int,
    both_directions: bool = False,
) -> list[tuple[list[int], list[str]]]:
    """Paths (entity ids, predicates) from any source to any target, shortest first. An edge
    walked against its direction has its predicate prefixed with "~"."""
    if not sources or not targets:
        return []
    steps = f"{_STEP_OUT}\n    UNION ALL{_STEP_IN}" if both_directions else _STEP_OUT
    params = {"tenant": tenant_id, "sources": sources, "targets": targets,
              "max_depth": max_depth, "limit": limit}  # fmt: skip
    timeout = int(settings.GRAPH_PATH_TIMEOUT_MS)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {timeout}")
            cursor.execute(_PATHS.format(steps=steps), params)
            return [(list(nodes), list(preds)) for nodes, preds in cursor.fetchall()]
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") == "57014":  # query_canceled: the timeout
            raise PathTooCostly(
                f"The walk took longer than {timeout} ms: lower max_depth.",
            ) from error
        raise


# A key appears in the text's key as whole words when it is Latin, as a substring otherwise
# (Chinese has no spaces); one-letter Latin keys never match.
_APPEARS = """(CASE WHEN {k} ~ '^[a-z0-9 &+#_]+$'
    THEN length({k}) >= 2 AND strpos(' ' || %(text)s || ' ', ' ' || {k} || ' ') > 0
    ELSE length({k}) >= 1 AND strpos(%(text)s, {k}) > 0 END)"""
_NAMED_IN = f"""
SELECT e.id FROM graph_entity e
WHERE e.tenant_id = %(tenant)s AND e.user_id = %(user)s AND e.merged_into_id IS NULL
  AND ({_APPEARS.format(k="e.key")}
       OR EXISTS (SELECT 1 FROM unnest(e.alias_keys) AS alias WHERE {_APPEARS.format(k="alias")}))
ORDER BY length(e.key) DESC, e.id
LIMIT %(limit)s"""  # noqa: S608 - made of constants only


def entities_named_in(*, tenant_id: int, user_id: str, text_key: str, limit: int) -> list[int]:
    """Ids of the user's live entities whose key or an alias key the text (as a key) names."""
    if not text_key:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_NAMED_IN, {"tenant": tenant_id, "user": user_id, "text": text_key,
                                   "limit": limit})  # fmt: skip
        return [row[0] for row in cursor.fetchall()]
