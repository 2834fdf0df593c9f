"""manage.py console_roles: create or update the console's groups (apps.console.roles)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.console.roles import console_roles_ensure


class Command(BaseCommand):
    help = "Create or update the console's groups: support, operator, compliance."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in console_roles_ensure().items():
            self.stdout.write(f"{name}: {count} permissions")
