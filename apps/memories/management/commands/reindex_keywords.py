from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from apps.memories import maintenance
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_get_by_ref


class Command(BaseCommand):
    help = "Rebuild the keyword index and BM25 statistics (after a text-analysis change)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug or id; default: every tenant")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = (
            [tenant_get_by_ref(ref=options["tenant"])]
            if options["tenant"]
            else list(Tenant.objects.order_by("pk"))
        )
        for tenant in tenants:
            with tqdm(desc=tenant.slug, unit="mem") as bar:

                def progress(done: int, total: int, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                job = maintenance.keywords_reindex(tenant=tenant, on_progress=progress)
            self.stdout.write(f"{tenant.slug}: {job.message}")
