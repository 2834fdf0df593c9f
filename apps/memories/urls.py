from django.urls import path

from apps.memories.api import manage, memory

urlpatterns = [
    path("v1/memory/add", memory.AddView.as_view(), name="memory-add"),
    path("v1/memory/search", memory.SearchView.as_view(), name="memory-search"),
    path("v1/memory/messages", memory.MessagesView.as_view(), name="memory-messages"),
    path("v1/memory", memory.CollectionView.as_view(), name="memory-collection"),
    path("v1/memory/<uuid:memory_id>", memory.DetailView.as_view(), name="memory-detail"),
    path("v1/memory/<uuid:memory_id>/history", memory.HistoryView.as_view(), name="memory-history"),
    path("v1/memory/retrieve", manage.RetrieveView.as_view(), name="memory-retrieve"),
    path(
        "v1/memory/add/status/<uuid:batch_id>", manage.BatchStatusView.as_view(), name="add-status"
    ),
    path("v1/memory/manage/tags", manage.TagsView.as_view(), name="memory-tags"),
    path("v1/memory/manage/search/tags", manage.SearchTagsView.as_view(), name="memory-tag-search"),
    path("v1/memory/manage/export", manage.ExportView.as_view(), name="memory-export"),
    path("v1/memory/manage/import", manage.ImportView.as_view(), name="memory-import"),
    path("v1/memory/manage/versions", manage.VersionsView.as_view(), name="memory-versions"),
]
