from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from apps.memories import maintenance
from apps.memories.checks import column_dimension
from apps.memories.embeddings import get_embedder, get_second_embedder
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_get_by_ref


class Command(BaseCommand):
    help = "Re-embed memories after an embedding model change (resumable, with progress)."
    requires_system_checks: list[str] = []  # the dimension check fails until this command runs

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug or id; default: every tenant")
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument(
            "--resize", action="store_true",
            help="change the vector column to the backend's dimension first (drops all vectors)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        embedder = get_embedder()
        second = get_second_embedder()
        columns = [("embedding", settings.EMBEDDING_BACKEND, embedder)]
        if second is not None:
            columns.append(("embedding_second", settings.SECOND_EMBEDDING_BACKEND, second))
        for column, backend, model in columns:
            current = column_dimension(column)
            if current == model.dim:
                continue
            if not options["resize"]:
                self.stderr.write(
                    f"The {column} column holds {current}-d vectors, {backend} makes "
                    f"{model.dim}-d: run again with --resize."
                )
                raise SystemExit(2)
            maintenance.vector_column_resize(dim=model.dim, column=column)
            self.stdout.write(f"Vector column {column} resized to {model.dim} dimensions.")
        tenants = (
            [tenant_get_by_ref(ref=options["tenant"])]
            if options["tenant"]
            else list(Tenant.objects.order_by("pk"))
        )
        for tenant in tenants:
            total = maintenance.stale_count(
                tenant=tenant,
                model_name=embedder.name,
                second_name=second.name if second else "",
            )
            if not total:
                continue
            with tqdm(total=total, desc=f"{tenant.slug}", unit="mem") as bar:
                job = maintenance.memories_reembed(
                    tenant=tenant,
                    batch_size=options["batch_size"],
                    on_progress=lambda done, _total, bar=bar: bar.update(done - bar.n),
                )
            self.stdout.write(f"{tenant.slug}: {job.message} (job {job.pk})")
        self.stdout.write(f"All memories are embedded with {embedder.name}.")
