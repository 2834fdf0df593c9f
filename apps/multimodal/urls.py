from __future__ import annotations

from django.urls import path

from apps.multimodal import api

urlpatterns = [
    path("v1/multimodal/store", api.StoreView.as_view(), name="multimodal-store"),
    path("v1/multimodal/search", api.SearchView.as_view(), name="multimodal-search"),
    path("v1/multimodal/search/embedding", api.EmbeddingSearchView.as_view(),
         name="multimodal-search-embedding"),
    path("v1/multimodal/recent", api.RecentView.as_view(), name="multimodal-recent"),
    path("v1/multimodal/items/<uuid:item_id>/objects/<int:part>", api.ObjectView.as_view(),
         name="multimodal-object"),
]  # fmt: skip
