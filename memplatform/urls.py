from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from apps.core.errors import error_response

admin.site.site_header = "MemPlatform console"
admin.site.site_title = "MemPlatform"
CONSOLE_PREFIX = "/admin/"

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


def _console_page(request: HttpRequest, status: int) -> HttpResponse | None:
    """Under /admin/ an error is a page for people (templates/<status>.html, no external
    assets); everywhere else it stays the JSON envelope."""
    if not request.path.startswith(CONSOLE_PREFIX):
        return None
    context = {"request_id": getattr(request, "request_id", "")}
    return HttpResponse(render_to_string(f"{status}.html", context), status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _console_page(request, 404) or error_response(request, 404, "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _console_page(request, 500) or error_response(request, 500, "Internal error.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _console_page(request, 400) or error_response(request, 400, "Bad request.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _console_page(request, 403) or error_response(request, 403, "Forbidden.")


handler400 = bad_request
handler403 = forbidden
handler404 = not_found
handler500 = server_error
