from __future__ import annotations

from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "apps.graph"
    label = "graph"

    def ready(self) -> None:
        pass  # registrations (stages, per-user data, job kinds) land with the services
