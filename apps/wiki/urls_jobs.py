"""The wiki's generation routes (apps.wiki.api); included by apps/wiki/urls.py."""

from __future__ import annotations

from django.urls import path

from apps.wiki import api

urlpatterns = [
    path("v1/wiki/generate", api.GenerateView.as_view(), name="wiki-generate"),
    path("v1/wiki/status", api.StatusView.as_view(), name="wiki-status"),
    path("v1/wiki/jobs/<str:job_id>", api.JobView.as_view(), name="wiki-job"),
    path("v1/wiki/jobs/<str:job_id>/cancel", api.JobCancelView.as_view(), name="wiki-job-cancel"),
    path("v1/wiki/jobs/<str:job_id>/pages/<path:page_path>", api.PageView.as_view(),
         name="wiki-job-page"),
]  # fmt: skip
