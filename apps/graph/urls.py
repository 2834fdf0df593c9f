from __future__ import annotations

from django.urls import URLPattern, path

from apps.graph import api

urlpatterns: list[URLPattern] = [
    path("v1/graph/extract", api.ExtractView.as_view(), name="graph-extract"),
    path("v1/graph/extract/llm-prompt", api.PromptView.as_view(), name="graph-llm-prompt"),
    path("v1/graph/extract/llm-parse", api.ParseView.as_view(), name="graph-llm-parse"),
    path("v1/graph/query", api.QueryView.as_view(), name="graph-query"),
    path("v1/graph/path", api.PathView.as_view(), name="graph-path"),
    path("v1/graph/triples", api.TriplesView.as_view(), name="graph-triples"),
    path("v1/graph/stats", api.StatsView.as_view(), name="graph-stats"),
    path("v1/graph/entities/merge", api.MergeView.as_view(), name="graph-merge"),
    path("v1/graph/merges/<int:merge_id>/undo", api.UndoView.as_view(), name="graph-merge-undo"),
    path(
        "v1/graph/entities/<int:entity_id>/history",
        api.HistoryView.as_view(),
        name="graph-entity-history",
    ),
]
