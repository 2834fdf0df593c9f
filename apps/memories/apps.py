from __future__ import annotations

from django.apps import AppConfig


class MemoriesConfig(AppConfig):
    name = "apps.memories"
    label = "memories"

    def ready(self) -> None:
        from apps.memories import checks  # noqa: F401  (registers the dimension check)
