from __future__ import annotations

from django.urls import path

from apps.wiki.connectors import api

urlpatterns = [
    path("v1/wiki/connectors", api.ConnectorsView.as_view(), name="wiki-connectors"),
    path("v1/wiki/connectors/saved", api.SavedView.as_view(), name="wiki-connectors-saved"),
    path("v1/wiki/connectors/test", api.TestView.as_view(), name="wiki-connectors-test"),
    path("v1/wiki/connectors/browse", api.BrowseView.as_view(), name="wiki-connectors-browse"),
    path(
        "v1/wiki/connectors/generate", api.GenerateView.as_view(), name="wiki-connectors-generate"
    ),
]
