from __future__ import annotations

from django.urls import include, path

urlpatterns: list = [
    path("", include("apps.wiki.connectors.urls")),
    path("", include("apps.wiki.urls_jobs")),
    path("", include("apps.wiki.parsing.urls")),
]
