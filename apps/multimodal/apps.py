from __future__ import annotations

from django.apps import AppConfig


class MultimodalConfig(AppConfig):
    name = "apps.multimodal"
    label = "multimodal"

    def ready(self) -> None:
        pass  # registrations (stages, per-user data, job kinds) land with the services
