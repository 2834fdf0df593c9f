"""Export and import of a user's memories. An import is validated row by row first and then
written all at once: either every row lands or none does. An async import stages the
validated rows (ImportStage) and queues a job whose task gets ids only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from apps.core import fields as f
from apps.core.errors import AppError, BadRequest
from apps.jobs.models import Job
from apps.jobs.services import job_finish, job_progress, job_start
from apps.memories.models import ImportStage, Memory
from apps.memories.registry import processing_check
from apps.memories.services import MemoryIn, Scope, memories_create
from apps.tenants.models import Tenant

SYNC_IMPORT_LIMIT = 1000
ASYNC_IMPORT_LIMIT = 20000


LEGACY_TYPES = {"qa": Memory.Type.LONG_TERM, "faq": Memory.Type.LONG_TERM}
IMPORT_MEMORY_TYPES = [*Memory.Type.values, *LEGACY_TYPES]


class ImportRowSerializer(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = f.one_of_required("memory", "summary")

    memory = f.CharField(required=False, max_length=settings.MEMORY_CONTENT_MAX_CHARS)
    summary = f.CharField(  # the reference's name
        required=False, max_length=settings.MEMORY_CONTENT_MAX_CHARS, help_text="memory's alias"
    )
    key = f.CharField(required=False, max_length=200, allow_blank=True, default="")
    memory_type = f.ChoiceField(
        choices=IMPORT_MEMORY_TYPES, required=False, default=Memory.Type.LONG_TERM
    )
    tags = serializers.ListField(
        child=f.CharField(max_length=100), required=False, default=list, max_length=100
    )
    metadata = serializers.DictField(required=False, default=dict)
    confidence = f.FloatField(required=False, default=1.0, min_value=0, max_value=1)

    def validate_memory_type(self, value: str) -> str:
        return LEGACY_TYPES.get(value, value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["text"] = attrs.get("memory") or attrs.get("summary")
        if not attrs["text"]:
            raise serializers.ValidationError({"memory": "each row needs a memory (or summary)"})
        return attrs


def import_validate(rows: Any, *, limit: int) -> list[MemoryIn]:
    """Every row checked; all errors reported together, keyed by row index."""
    if not isinstance(rows, list) or not rows:
        raise BadRequest("Give a non-empty list of memories to import.", code="invalid_import")
    if len(rows) > limit:
        hint = (
            "" if limit >= ASYNC_IMPORT_LIMIT else f"; async_mode=async takes {ASYNC_IMPORT_LIMIT}"
        )
        raise BadRequest(f"At most {limit} rows per import{hint}.", code="import_too_large")
    items, errors = [], {}
    for index, row in enumerate(rows):
        parsed = ImportRowSerializer(data=row) if isinstance(row, dict) else None
        if parsed is None:
            errors[str(index)] = {"row": ["must be an object"]}
        elif not parsed.is_valid():
            errors[str(index)] = parsed.errors
        else:
            v = parsed.validated_data
            items.append(
                MemoryIn(
                    value=v["text"],
                    key=v["key"],
                    memory_type=v["memory_type"],
                    tags=v["tags"],
                    metadata=v["metadata"],
                    confidence=v["confidence"],
                    sources=[{"message_id": None, "role": "import", "metadata": {}}],
                )
            )
    if errors:
        raise BadRequest(
            f"{len(errors)} of {len(rows)} rows are invalid; nothing was imported.",
            code="invalid_import",
            details={"rows": errors},
        )
    return items


@dataclass
class Export:
    user_id: str
    exported_at: str
    memories: list[Memory]


def export_collect(*, tenant: Tenant, user_id: str) -> Export:
    memories = list(
        Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED)
        .defer("embedding", "search_vector")
        .order_by("created_at")
    )
    return Export(user_id=user_id, exported_at=timezone.now().isoformat(), memories=memories)


def export_markdown(export: Export) -> str:
    return "".join(_markdown_lines(export))


def _markdown_lines(export: Export) -> Iterator[str]:
    yield f"# Memory Export: {export.user_id}\n\n"
    yield f"Exported: {export.exported_at}\nMemories: {len(export.memories)}\n\n"
    for m in export.memories:
        yield f"## {m.key or m.pk} (v{m.version})\n\n{m.value}\n\n"
        yield f"Tags: {', '.join(m.tags)}\nType: {m.memory_type}\n"
        yield f"Created: {m.created_at.isoformat()}\nId: {m.pk}\n\n---\n\n"


# --- import: now, or staged for a job ---------------------------------------------------------


@dataclass
class ImportResult:
    imported: int  # memories written now (0 when queued)
    job: Job | None  # the job of an async import


def memories_import(
    *, tenant: Tenant, scope: Scope, rows: Any, async_mode: str, actor: str
) -> ImportResult:
    """Validate every row (nothing lands unless all are valid), then write them now, or with
    `async_mode="async"` stage them for a job: the task gets the job's id, not the rows. The
    processing gates (consent, suppression) are asked first, and again when the job runs."""
    processing_check(tenant=tenant, user_id=scope.user_id, activity="store")
    is_async = async_mode == "async"
    items = import_validate(rows, limit=ASYNC_IMPORT_LIMIT if is_async else SYNC_IMPORT_LIMIT)
    if not is_async:
        created = memories_create(tenant=tenant, scope=scope, items=items, actor=actor)
        return ImportResult(imported=len(created), job=None)
    from apps.memories.tasks import import_memories

    params = {"user_id": scope.user_id, "agent_id": scope.agent_id}
    with transaction.atomic():
        job = job_start(tenant=tenant, kind="import", total=len(items), params=params)
        ImportStage.objects.create(
            tenant=tenant, job=job, actor=actor, rows=[_stage_row(i) for i in items]
        )
    transaction.on_commit(lambda: import_memories.delay(tenant_id=tenant.pk, job_id=str(job.pk)))
    return ImportResult(imported=0, job=job)


def import_run(*, job_id: str) -> None:
    """The body of an async import's task (inside the tenant's scope): the staged rows land in
    one transaction while the job shows embedding progress; the stage goes when the job
    finishes. Idempotent: a job that is no longer running is not redone."""
    job = Job.objects.select_related("tenant").filter(pk=job_id).first()
    if job is None or job.status != Job.Status.RUNNING or job.done:
        return
    stage = ImportStage.objects.filter(job=job).first()
    try:
        processing_check(tenant=job.tenant, user_id=job.params["user_id"], activity="store")
    except AppError as exc:  # consent withdrawn (or suppressed) while queued: for good
        ImportStage.objects.filter(job=job).delete()
        job_finish(job=job, ok=False, message=f"nothing imported: {exc.code}: {exc.message}"[:500])
        return
    try:
        if stage is None:
            raise RuntimeError("its staged rows are gone")
        created = memories_create(
            tenant=job.tenant,
            scope=Scope(user_id=job.params["user_id"], agent_id=job.params.get("agent_id", "")),
            items=[MemoryIn(**row) for row in stage.rows],
            actor=stage.actor,
            on_progress=lambda done: job_progress(job=job, done=done),
        )
    except Exception as exc:
        ImportStage.objects.filter(job=job).delete()
        job_finish(job=job, ok=False, message=f"nothing imported: {exc}"[:500])
        raise
    ImportStage.objects.filter(job=job).delete()
    job_finish(job=job, message=f"imported {len(created)} memories")


def _stage_row(item: MemoryIn) -> dict[str, Any]:
    return {"value": item.value, "key": item.key, "memory_type": item.memory_type,
            "tags": item.tags, "metadata": item.metadata, "confidence": item.confidence,
            "sources": item.sources}  # fmt: skip
