"""GDPR export: every registered collection of one end user (apps.memories.registry).

A small user is answered inline (`{"status": "ok", "export": {collection: [rows]}}`, up to
GDPR_INLINE_EXPORT_MAX_ROWS rows in all). Any user can be exported as a job: a worker writes a
zip under GDPR_EXPORT_DIR (never served statically) holding one JSON Lines file per collection,
a README.txt and a manifest.json (schema version, tenant, user, time, rows and SHA-256 of every
file), and the job shows its progress. The download needs a key of the tenant with the
`security` scope and expires after GDPR_EXPORT_TTL_HOURS (410 `export_expired`); the file is
removed then, or when the user is erased."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.core.errors import AppError, NotFound, PayloadTooLarge
from apps.jobs.models import Job
from apps.jobs.services import job_finish, job_progress, job_start
from apps.memories.registry import user_data_list
from apps.privacy.models import PrivacyRequest
from apps.privacy.services import subject_of
from apps.tenants.models import ApiKey, Tenant

SCHEMA_VERSION = 1
JOB_KIND = "gdpr_export"
PROGRESS_EVERY = 500
README = """GDPR data export
================

This archive holds every record this platform keeps about one end user of one tenant.

manifest.json   schema version, tenant, user, time of export, and for every file its rows and
                SHA-256 (check a file with `sha256sum <file>`)
<name>.jsonl    one collection: one JSON object per line (UTF-8), e.g. messages.jsonl holds the
                raw conversation turns, memories.jsonl what was remembered or inferred from them,
                versions.jsonl the history of each memory's text
"""


def _json(row: dict[str, Any]) -> str:
    return json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def export_counts(*, tenant: Tenant, user_id: str) -> dict[str, int]:
    return {e.name: e.count(tenant=tenant, user_id=user_id) for e in user_data_list()}


def export_inline(*, tenant: Tenant, user_id: str) -> dict[str, list[dict[str, Any]]]:
    counts = export_counts(tenant=tenant, user_id=user_id)
    total, limit = sum(counts.values()), settings.GDPR_INLINE_EXPORT_MAX_ROWS
    if total > limit:
        raise PayloadTooLarge(
            f"This user has {total} records, more than the {limit} an inline export answers; "
            'export them as a job with {"async": true}.',
            code="export_too_large",
            details={"rows": total, "limit": limit},
        )
    return {
        e.name: json.loads(_json({"rows": list(e.export(tenant=tenant, user_id=user_id))}))["rows"]
        for e in user_data_list()
    }


def export_start(*, tenant: Tenant, user_id: str, key: ApiKey | None) -> PrivacyRequest:
    from apps.privacy.tasks import export_build_task

    total = sum(export_counts(tenant=tenant, user_id=user_id).values())
    with transaction.atomic():
        request = PrivacyRequest.objects.create(
            tenant=tenant, kind=PrivacyRequest.Kind.EXPORT, user_id=user_id,
            subject=subject_of(tenant_id=tenant.pk, user_id=user_id),
            api_key_id=key.pk if key else None,
        )  # fmt: skip
        # The job's params hold the request id only: the user id stays on the request, which
        # the user's erasure removes.
        job = job_start(tenant=tenant, kind=JOB_KIND, total=total,
                        params={"request_id": str(request.pk)})  # fmt: skip
        request.job_id = job.pk
        request.save(update_fields=["job_id"])
    transaction.on_commit(
        lambda: export_build_task.delay(tenant_id=tenant.pk, request_id=str(request.pk))
    )
    return request


def _claim(request_id: str) -> PrivacyRequest | None:
    claimed = PrivacyRequest.objects.filter(
        pk=request_id, kind=PrivacyRequest.Kind.EXPORT, status=PrivacyRequest.Status.QUEUED
    ).update(status=PrivacyRequest.Status.RUNNING)
    return PrivacyRequest.objects.select_related("tenant").get(pk=request_id) if claimed else None


def export_path(request: PrivacyRequest) -> Path:
    return Path(settings.GDPR_EXPORT_DIR) / str(request.tenant_id) / f"{request.pk}.zip"


def _write_collection(zf: zipfile.ZipFile, name: str, rows: Any, tick: Callable[[], None]) -> dict:
    digest, count = hashlib.sha256(), 0
    info = zipfile.ZipInfo(f"{name}.jsonl", date_time=timezone.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w") as handle:
        for row in rows:
            line = (_json(row) + "\n").encode()
            digest.update(line)
            handle.write(line)
            count += 1
            tick()
    return {"file": f"{name}.jsonl", "rows": count, "sha256": digest.hexdigest()}


def export_build(*, request_id: str) -> None:
    """The body of the export task (inside the tenant's scope). Idempotent: only a queued
    request is built; a failure marks the request and the job failed and removes the file."""
    request = _claim(request_id)
    if request is None:
        return
    job = Job.objects.filter(pk=request.job_id).first()
    path = export_path(request)
    path.parent.mkdir(parents=True, exist_ok=True)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if job is not None and done % PROGRESS_EVERY == 0:
            job_progress(job=job, done=done)

    try:
        files = []
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for entry in user_data_list():
                rows = entry.export(tenant=request.tenant, user_id=request.user_id)
                files.append(_write_collection(zf, entry.name, rows, tick))
            zf.writestr("README.txt", README)
            files.append({"file": "README.txt", "rows": None,
                          "sha256": hashlib.sha256(README.encode()).hexdigest()})  # fmt: skip
            manifest = {
                "schema_version": SCHEMA_VERSION, "tenant": request.tenant.slug,
                "user_id": request.user_id, "request_id": str(request.pk),
                "exported_at": timezone.now().isoformat(),
                "counts": {f["file"][:-6]: f["rows"] for f in files if f["rows"] is not None},
                "files": files,
            }  # fmt: skip
            zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    except Exception as exc:
        path.unlink(missing_ok=True)
        PrivacyRequest.objects.filter(pk=request.pk).update(
            status=PrivacyRequest.Status.FAILED, errors=[f"{type(exc).__name__}"],
            finished_at=timezone.now(),
        )  # fmt: skip
        if job is not None:
            job_finish(job=job, ok=False, message=f"export failed: {type(exc).__name__}")
        raise
    finished = timezone.now()
    recorded = PrivacyRequest.objects.filter(pk=request.pk).update(
        status=PrivacyRequest.Status.DONE, counts=manifest["counts"], file_path=str(path),
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), finished_at=finished,
        expires_at=finished + timedelta(hours=settings.GDPR_EXPORT_TTL_HOURS),
    )  # fmt: skip
    if not recorded:  # the user was erased while the zip was written: it must not stay
        path.unlink(missing_ok=True)
    if job is not None:
        job_progress(job=job, done=done, total=done)
        job_finish(job=job, message=f"exported {done} records")


def export_file(*, tenant: Tenant, request_id: str) -> tuple[Path, PrivacyRequest]:
    """The zip of a finished export of this tenant; 410 once it has expired (and removed)."""
    request = PrivacyRequest.objects.filter(
        tenant=tenant, pk=request_id, kind=PrivacyRequest.Kind.EXPORT
    ).first()
    if request is None:
        raise NotFound("Export not found.", code="privacy_request_not_found")
    if request.status != PrivacyRequest.Status.DONE:
        raise AppError("The export is not ready yet; see its status.", status=409,
                       code="export_not_ready", details={"status": request.status})  # fmt: skip
    path = Path(request.file_path) if request.file_path else None
    expired = request.expires_at is None or request.expires_at <= timezone.now()
    if path is None or expired or not path.is_file():
        if path is not None:
            path.unlink(missing_ok=True)
        raise AppError("This export's download has expired; request a new export.", status=410,
                       code="export_expired")  # fmt: skip
    return path, request


def exports_expire() -> int:
    """Periodic, every tenant (a deliberate `unscoped`): remove the zips whose download has
    expired, so a user's data does not outlive GDPR_EXPORT_TTL_HOURS on disk. Returns how many."""
    expired = PrivacyRequest.unscoped.filter(
        kind=PrivacyRequest.Kind.EXPORT, expires_at__lte=timezone.now()
    ).exclude(file_path="")
    removed = 0
    for request_id, file_path in expired.values_list("pk", "file_path"):
        Path(file_path).unlink(missing_ok=True)
        removed += PrivacyRequest.unscoped.filter(pk=request_id).update(file_path="")
    return removed
