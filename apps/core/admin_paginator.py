"""A changelist paginator that does not COUNT(*) a big table.

Django's admin counts the whole (filtered) queryset on every changelist page to draw the
paginator. On a table of a million memories that count is a sequential or index-only scan of
every row and costs more than the page itself. PostgreSQL already knows roughly how many rows a
table or a plan holds: `pg_class.reltuples` for a table (kept by ANALYZE and autovacuum), the
planner's row estimate for a filtered query. Above a threshold the estimate is shown; below it the
exact count is cheap and exact numbers matter (a tenant with 12 memories must see 12).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

ESTIMATE_THRESHOLD = 10_000


def table_estimate(*, queryset: QuerySet) -> int:
    """Rows PostgreSQL believes the model's table holds (-1 when never analysed)."""
    table = queryset.model._meta.db_table
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else -1


def plan_estimate(*, queryset: QuerySet) -> int:
    """The planner's row estimate for the queryset (no rows are read)."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # `.none()`, or an `__in` of nothing
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan: Any = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def is_unfiltered(queryset: QuerySet) -> bool:
    return not queryset.query.where and not queryset.query.combinator


class EstimatedCountPaginator(Paginator):
    """`count` is PostgreSQL's estimate when that is above `threshold`, else the exact count."""

    threshold = ESTIMATE_THRESHOLD

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        if is_unfiltered(queryset):
            estimate = table_estimate(queryset=queryset)
        else:
            estimate = plan_estimate(queryset=queryset)
        if estimate > self.threshold:
            return estimate
        return super().count
