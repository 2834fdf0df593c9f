from django.urls import path

from apps.tenants import api

urlpatterns = [
    path("v1/admin/keys", api.ApiKeyCollectionView.as_view(), name="admin-keys"),
    path("v1/admin/keys/<str:key>", api.ApiKeyDetailView.as_view(), name="admin-key-detail"),
]
