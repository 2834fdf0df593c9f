"""The parsing route (apps.wiki.parsing.api); included by apps/wiki/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from apps.wiki.parsing import api

urlpatterns: list[URLPattern] = [
    path("v1/wiki/parse", api.ParseView.as_view(), name="wiki-parse"),
]
