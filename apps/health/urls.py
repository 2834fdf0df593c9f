from django.urls import path

from apps.health import views

urlpatterns = [
    path("health", views.health, name="health"),
    path("health/status", views.status, name="health-status"),
    path("health/live", views.live, name="health-live"),
    path("health/ready", views.ready, name="health-ready"),
    path("metrics", views.metrics, name="metrics"),
]
