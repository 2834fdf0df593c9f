from __future__ import annotations

from django.apps import AppConfig


class CompatConfig(AppConfig):
    """Drop-in paths for the clients users already have (mem0's MemoryClient; MemOS next)."""

    name = "apps.compat"
    label = "compat"

    def ready(self) -> None:
        from apps.jobs.kinds import job_kind_register

        job_kind_register(kind="mem0_export", scope="memory")  # holds a query over memories
