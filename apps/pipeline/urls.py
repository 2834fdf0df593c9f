from django.urls import path

from apps.pipeline import api

urlpatterns = [
    path("v1/admin/faq/candidates", api.CandidatesView.as_view(), name="faq-candidates"),
    path("v1/admin/faq/promote", api.PromoteView.as_view(), name="faq-promote"),
    path("v1/admin/faq/classify", api.ClassifyView.as_view(), name="faq-classify"),
    path("v1/admin/faq/history", api.HistoryView.as_view(), name="faq-history"),
    path("v1/admin/faq/stats", api.StatsView.as_view(), name="faq-stats"),
    path("v1/admin/faq/<uuid:memory_id>", api.DemoteView.as_view(), name="faq-demote"),
]
