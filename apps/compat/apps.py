from __future__ import annotations

from django.apps import AppConfig


class CompatConfig(AppConfig):
    """Drop-in paths for the clients users already have (mem0's MemoryClient; MemOS next)."""

    name = "apps.compat"
    label = "compat"

    def ready(self) -> None:
        from apps.compat.cubes import compat_user_data
        from apps.jobs.kinds import job_kind_register
        from apps.memories.registry import user_data_register

        for entry in compat_user_data():  # GDPR export and erasure (apps.privacy)
            user_data_register(entry)

        job_kind_register(kind="mem0_export", scope="memory")  # holds a query over memories
