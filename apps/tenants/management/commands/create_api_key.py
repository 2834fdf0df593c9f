from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import AppError
from apps.tenants.models import SCOPES
from apps.tenants.services import api_key_create, tenant_get_by_ref


class Command(BaseCommand):
    help = "Create an API key; the key alone is printed on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="tenant slug or id")
        parser.add_argument("--scopes", default=",".join(SCOPES), help="comma-separated scopes")
        parser.add_argument("--admin", action="store_true", help="platform-admin key (any tenant)")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        try:
            tenant = tenant_get_by_ref(ref=options["tenant"])
            issued = api_key_create(
                tenant=tenant,
                name=options["name"],
                scopes=scopes,
                is_platform_admin=options["admin"],
            )
        except AppError as exc:
            raise CommandError(exc.message) from exc
        key = issued.key
        self.stderr.write(
            f"Key {key.display_prefix} for tenant {tenant.slug}, scopes {','.join(key.scopes)}"
            f"{', platform admin' if key.is_platform_admin else ''}. Shown once:"
        )
        self.stdout.write(issued.secret)
