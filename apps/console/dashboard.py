"""The console's index page (UNFOLD["DASHBOARD_CALLBACK"]): charts from the daily rollup and
a few live figures (apps.console.live). A page view reads at most 14 x tenants rollup rows,
one Redis pipeline and a cached worker ping; it never counts raw tables."""

from __future__ import annotations

import json
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest

from apps.console import live
from apps.console.selectors import usage_by_tenant, usage_days
from apps.tenants.models import Tenant

DAYS = 14
PRIMARY = "var(--color-primary-600)"
PALE = "var(--color-primary-300)"
AMBER = "#f59e0b"
RED = "#dc2626"
# Chart.js options for every chart: unlike unfold's defaults, a legend (the charts hold several
# series) and bars side by side.
CHART_OPTIONS = json.dumps({
    "animation": False,
    "maintainAspectRatio": False,
    "plugins": {"legend": {"display": True, "position": "top", "align": "end"}},
    "scales": {"y": {"beginAtZero": True}},
})  # fmt: skip


def _chart(labels: list[str], datasets: list[dict[str, Any]]) -> str:
    return json.dumps({"labels": labels, "datasets": datasets})


def _set(label: str, data: list, color: str, **extra: Any) -> dict[str, Any]:
    return {"label": label, "data": data, "backgroundColor": color, "borderColor": color, **extra}


def _selected_tenant(request: HttpRequest) -> int | None:
    raw = request.GET.get("tenant", "")
    return int(raw) if raw.isdigit() else None


def _day_charts(tenant_id: int | None) -> dict[str, str]:
    series = usage_days(days=DAYS, tenant_id=tenant_id)
    labels = [day.strftime("%b %d") for day in series.days]
    v = series.values
    return {
        "requests_chart": _chart(labels, [
            _set("Requests", v["requests"], PRIMARY),
            _set("4xx", v["errors_4xx"], AMBER),
            _set("5xx", v["errors_5xx"], RED),
        ]),
        "latency_chart": _chart(labels, [
            _set("p50 (ms)", series.p50_ms, PRIMARY, spanGaps=True),
            _set("p95 (ms)", series.p95_ms, RED, spanGaps=True),
        ]),
        "added_chart": _chart(labels, [
            _set("Memories added", v["memories_added"], PRIMARY),
            _set("Messages added", v["messages_added"], PALE),
        ]),
        "failed_chart": _chart(labels, [_set("Batches failed", v["batches_failed"], RED)]),
    }  # fmt: skip


def _tenant_charts() -> dict[str, str]:
    rows = usage_by_tenant(days=DAYS)
    labels = [row["tenant__slug"] for row in rows]
    return {
        "calls_chart": _chart(labels, [
            _set("LLM calls", [r["llm_calls"] for r in rows], PRIMARY),
            _set("Embedding calls", [r["embedding_calls"] for r in rows], PALE),
        ]),
        "tokens_chart": _chart(labels, [
            _set("LLM tokens", [r["llm_tokens"] for r in rows], PRIMARY),
            _set("Embedded texts", [r["embedding_texts"] for r in rows], PALE),
            _set("Embedding tokens", [r["embedding_tokens"] for r in rows], AMBER),
        ]),
    }  # fmt: skip


def _queue_charts() -> dict[str, Any]:
    states = live.queue_states()
    if states is None:
        return {"queues_down": True}
    labels = [s.name for s in states]
    return {
        "queues_down": False,
        "queue_chart": _chart(labels, [_set("Waiting tasks", [s.length for s in states], PRIMARY)]),
        "queue_age_chart": _chart(labels, [_set(
            "Oldest waiting (s)",
            [round(s.oldest_age_seconds, 1) if s.oldest_age_seconds is not None else 0
             for s in states],
            AMBER,
        )]),
    }  # fmt: skip


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    tenant_id = _selected_tenant(request)
    try:
        tenants = list(Tenant.objects.order_by("slug").values("pk", "slug")[:500])
        context.update(_day_charts(tenant_id))
        context.update(_tenant_charts())
        context["rollup_down"] = False
    except DatabaseError:
        tenants, context["rollup_down"] = [], True
    queues = _queue_charts()
    context.update(queues)
    # Redis unreachable for the queues: no ping either (it would go through the same Redis).
    workers = None if queues["queues_down"] else live.workers_alive()
    context.update(
        tenants=tenants,
        selected_tenant=tenant_id,
        workers_alive=workers,
        days=DAYS,
        chart_options=CHART_OPTIONS,
    )
    return context
