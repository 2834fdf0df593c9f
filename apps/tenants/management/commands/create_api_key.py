from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import AppError
from apps.tenants.models import SCOPES
from apps.tenants.services import DEFAULT_SCOPES, api_key_create, tenant_get_by_ref


class Command(BaseCommand):
    help = (
        "Create an API key; the key alone is printed on the last line. Without --scopes the key "
        "gets the memory scope only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="tenant slug or id")
        parser.add_argument(
            "--scopes",
            default=None,
            help=f"comma-separated scopes from {','.join(SCOPES)}; "
            f"default: {','.join(DEFAULT_SCOPES)} only (least privilege)",
        )
        parser.add_argument("--admin", action="store_true", help="platform-admin key (any tenant)")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        defaulted = options["scopes"] is None
        scopes = (
            None if defaulted else [s.strip() for s in options["scopes"].split(",") if s.strip()]
        )
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
        if key.is_platform_admin:
            reach = "platform admin: every scope, any tenant"
        elif defaulted:
            reach = f"scopes {','.join(key.scopes)} (the default; --scopes a,b for more)"
        else:
            reach = f"scopes {','.join(key.scopes)}"
        self.stderr.write(
            f"Key {key.display_prefix} for tenant {tenant.slug}, {reach}. Shown once:"
        )
        self.stdout.write(issued.secret)
