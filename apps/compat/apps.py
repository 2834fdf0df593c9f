from django.apps import AppConfig


class CompatConfig(AppConfig):
    """Drop-in paths for the clients users already have (mem0's MemoryClient; MemOS next)."""

    name = "apps.compat"
    label = "compat"
