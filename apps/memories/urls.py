from django.urls import path

from apps.memories import api

urlpatterns = [
    path("v1/memory/add", api.AddView.as_view(), name="memory-add"),
    path("v1/memory/search", api.SearchView.as_view(), name="memory-search"),
    path("v1/memory/messages", api.MessagesView.as_view(), name="memory-messages"),
    path("v1/memory", api.CollectionView.as_view(), name="memory-collection"),
    path("v1/memory/<uuid:memory_id>", api.DetailView.as_view(), name="memory-detail"),
    path("v1/memory/<uuid:memory_id>/history", api.HistoryView.as_view(), name="memory-history"),
]
