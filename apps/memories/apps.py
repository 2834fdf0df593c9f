from __future__ import annotations

from django.apps import AppConfig


class MemoriesConfig(AppConfig):
    name = "apps.memories"
    label = "memories"

    def ready(self) -> None:
        from apps.jobs.kinds import job_kind_register
        from apps.memories import checks  # noqa: F401  (registers the dimension check)

        for kind in ("import", "reembed", "reindex_keywords"):  # they show the user's memories
            job_kind_register(kind=kind, scope="memory")

        from apps.memories.registry import user_data_register
        from apps.memories.services.userdata import floor_user_data

        for entry in floor_user_data():  # GDPR export and erasure (apps.privacy)
            user_data_register(entry)
