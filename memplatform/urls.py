from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from apps.core.errors import error_response

admin.site.site_header = "MemPlatform console"
admin.site.site_title = "MemPlatform"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi"), name="docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="openapi"), name="redoc"),
    path("", include("apps.health.urls")),
    path("", include("apps.tenants.urls")),
    path("", include("apps.memories.urls")),
    path("", include("apps.jobs.urls")),
    path("", include("apps.audit.urls")),
    path("", include("apps.pipeline.urls")),
    path("", include("apps.chat.urls")),
    path("", include("apps.compat.urls")),
    path("", include("apps.privacy.urls")),
    path("", include("apps.graph.urls")),
    path("", include("apps.multimodal.urls")),
    path("", include("apps.wiki.urls")),
    path("", include("apps.defense.urls")),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(request, 404, "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(request, 500, "Internal error.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(request, 400, "Bad request.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(request, 403, "Forbidden.")


handler400 = bad_request
handler403 = forbidden
handler404 = not_found
handler500 = server_error
