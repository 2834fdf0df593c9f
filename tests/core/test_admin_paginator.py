"""EstimatedCountPaginator: exact below the threshold, PostgreSQL's estimate above it, no COUNT(*)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.admin_paginator import EstimatedCountPaginator
from apps.core.models import FailedTask


def _fill(n: int) -> None:
    FailedTask.objects.bulk_create(
        [FailedTask(task_name=f"t{i % 3}", task_id=str(i), exception="x") for i in range(n)]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {FailedTask._meta.db_table}")


@pytest.mark.django_db
def test_small_table_is_counted_exactly():
    _fill(25)
    paginator = EstimatedCountPaginator(FailedTask.objects.order_by("pk"), 10)
    assert paginator.count == 25
    assert paginator.num_pages == 3
    filtered = EstimatedCountPaginator(FailedTask.objects.filter(task_name="t1").order_by("pk"), 10)
    assert filtered.count == len([i for i in range(25) if i % 3 == 1])


@pytest.mark.django_db
def test_big_table_uses_the_estimate_without_count(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "threshold", 100)
    _fill(600)
    paginator = EstimatedCountPaginator(FailedTask.objects.order_by("pk"), 50)
    with CaptureQueriesContext(connection) as captured:
        count = paginator.count
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert "reltuples" in captured.captured_queries[0]["sql"]
    # reltuples after ANALYZE of a small table is exact.
    assert count == 600
    assert len(paginator.page(3).object_list) == 50

    filtered = EstimatedCountPaginator(FailedTask.objects.filter(task_name="t0").order_by("pk"), 50)
    with CaptureQueriesContext(connection) as captured:
        estimate = filtered.count
    assert "EXPLAIN" in captured.captured_queries[0]["sql"]
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert 100 < estimate <= 600  # the planner's guess for a third of the rows


@pytest.mark.django_db
def test_filtered_estimate_below_threshold_falls_back_to_exact(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "threshold", 100)
    _fill(600)
    paginator = EstimatedCountPaginator(FailedTask.objects.filter(task_id="7").order_by("pk"), 50)
    assert paginator.count == 1
    assert EstimatedCountPaginator(FailedTask.objects.none(), 50).count == 0


def test_a_list_is_counted_by_len():
    assert EstimatedCountPaginator(list(range(7)), 5).count == 7
