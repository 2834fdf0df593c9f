from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.audit.chain import chain_verify
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Verify each tenant's audit hash chain: events checked and the first broken link "
        "(event id, time, expected vs found hash). Exits 1 when a chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug of one tenant (default: every tenant)")

    def handle(self, *args: Any, tenant: str | None = None, **options: Any) -> None:
        tenants = Tenant.objects.order_by("pk")
        if tenant is not None:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"no tenant with slug {tenant!r}")
        broken = 0
        for each in tenants:
            result = chain_verify(tenant_id=each.pk)
            fault = result.first_break
            if fault is None:
                self.stdout.write(f"{each.slug}: ok, {result.events_checked} events checked")
                continue
            broken += 1
            self.stdout.write(
                f"{each.slug}: BROKEN at event {fault.event_id} ({fault.created_at.isoformat()}), "
                f"{fault.field}: expected {fault.expected or '(empty)'}, found "
                f"{fault.found or '(empty)'}; {result.events_checked} events checked"
            )
        if broken:
            raise CommandError(f"{broken} broken audit chain(s)", returncode=1)
