from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.tenants.services import bootstrap_ensure


class Command(BaseCommand):
    help = "Ensure the bootstrap tenant, a platform-admin API key and a console superuser exist."

    def handle(self, *args: Any, **options: Any) -> None:
        port = os.environ.get("PORT", "8000")
        issued = bootstrap_ensure()
        if issued:
            self.stdout.write(
                "\nBootstrap platform-admin API key (shown once, store it now):\n"
                f"  {issued.secret}\n"
                "Try it:\n"
                f"  curl -H 'Authorization: Bearer {issued.secret}' http://localhost:{port}/v1/admin/keys\n"
            )
        user_model = get_user_model()
        if not user_model.objects.filter(is_superuser=True).exists():
            username = os.environ.get("ADMIN_USERNAME", "admin")
            password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            user_model.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(
                f"\nConsole superuser created: http://localhost:{port}/admin/\n"
                f"  username: {username}\n  password: {password}\n"
            )
