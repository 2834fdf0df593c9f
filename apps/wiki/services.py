"""Wiki jobs: start, run (the task's body), cancel, and the sweep of jobs whose worker was lost.

A run parses the repository, builds the skeleton pages, and compares each page's inputs hash
with the stored page: only new or changed pages are rendered (narrated when the job asks for the
LLM), saved, stored as a memory of the namespace (replacing the page's memory) and written under
`output_dir`; pages that vanished are deleted with their memories and files. The job reports
files_parsed, pages_generated, pages_unchanged and pages_deleted in its params.

Idempotent: the task claims the job with a conditional update (queued, or running without
progress for WIKI_JOB_STALE_SECONDS: a redelivery after a lost worker resumes it); a page already
written by the lost run has its new hash and counts as unchanged."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import AppError, BadRequest, Conflict, NotFound
from apps.jobs.models import Job
from apps.jobs.services import (
    job_claim,
    job_fail,
    job_finish,
    job_params_merge,
    job_progress,
    job_queue,
    jobs_fail_stale,
)
from apps.memories import registry
from apps.memories.services import (
    MemoryIn,
    Scope,
    memories_create,
    memories_delete,
    memories_get,
    memory_update,
)
from apps.tenants.models import Tenant
from apps.wiki.generation.narrate import narrate, narrated_page, source_excerpts
from apps.wiki.generation.pages import PageDraft, inputs_hash, skeleton_pages
from apps.wiki.ir import RepoIR
from apps.wiki.models import Wiki, WikiPage
from apps.wiki.paths import inside, output_path

logger = logging.getLogger(__name__)
JOB_KIND = "wiki"
MEMORY_BATCH = 64
CANCELLED = "Cancelled by request."
LOST = "The worker running this job was lost (no progress for {s} s); start the job again."


class JobCancelled(Exception):
    pass


# --- start / cancel -----------------------------------------------------------------------------


def wiki_generate_start(
    *, tenant: Tenant, repo_path: str, output_dir: str | None, namespace: str, llm: bool,
    languages: list[str] | None = None,
) -> Job:  # fmt: skip
    """POST /v1/wiki/generate: a local repository under WIKI_ALLOWED_ROOTS (never the server's
    own directories: apps.wiki.parsing.services.repository_path_check)."""
    from apps.wiki.parsing.services import repository_path_check

    repo = repository_path_check(repo_path=repo_path)
    return _job_queue(tenant=tenant, repo=repo, repo_key=str(repo), output_dir=output_dir,
                      namespace=namespace, llm=llm, languages=languages)  # fmt: skip


def wiki_job_start(
    *, tenant: Tenant, repo_path: Path, config: dict[str, Any], actor: str,
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """For the connectors: a tree they fetched into their own working directory (trusted, not
    under WIKI_ALLOWED_ROOTS), with the generate body's options in `config`. The wiki's key is
    the connector's, so the next fetch of the same connector regenerates incrementally."""
    options = generate_config_check(config)
    source = {k: _plain(v) for k, v in (source or {}).items()} or None
    key = f"connector:{source['connector_id']}" if source else str(repo_path)
    job = _job_queue(tenant=tenant, repo=Path(repo_path), repo_key=key, source=source,
                     **options)  # fmt: skip
    return {"job_id": str(job.pk), "status": "pending", "message": "Wiki generation started"}


def _plain(value: Any) -> Any:
    """A JSON value for the job's params (a connector kind object becomes its type name)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(getattr(value, "type", value))


CONFIG_TYPES = {"output_dir": str, "namespace": str, "llm": bool, "languages": list}


def generate_config_check(config: dict[str, Any]) -> dict[str, Any]:
    """The generate options of a connector's `config` (same names as POST /v1/wiki/generate)."""
    unknown = sorted(set(config) - set(CONFIG_TYPES))
    wrong = sorted(k for k, t in CONFIG_TYPES.items()
                   if config.get(k) is not None and not isinstance(config[k], t))  # fmt: skip
    languages = config.get("languages") or []
    if unknown or wrong or not all(isinstance(x, str) and len(x) <= 40 for x in languages):
        raise BadRequest("config takes output_dir, namespace (strings), llm (a boolean) and "
                         "languages (strings).", code="invalid_config",
                         details={"unknown": unknown, "wrong_type": wrong})  # fmt: skip
    namespace = config.get("namespace") or ""
    if len(namespace) > 200:
        raise BadRequest("namespace is at most 200 characters.", code="invalid_config")
    return {"output_dir": config.get("output_dir") or None, "namespace": namespace,
            "llm": bool(config.get("llm")), "languages": languages or None}  # fmt: skip


def _job_queue(
    *, tenant: Tenant, repo: Path, repo_key: str, output_dir: str | None, namespace: str,
    llm: bool, languages: list[str] | None, source: dict[str, Any] | None = None,
) -> Job:  # fmt: skip
    from apps.wiki.tasks import wiki_generate_task

    out = output_path(output_dir, settings.WIKI_OUTPUT_ROOT) if output_dir else None
    if llm and not settings.LLM_API_BASE:
        raise BadRequest('No LLM is configured (LLM_API_BASE); generate without "llm".',
                         code="llm_not_configured")  # fmt: skip
    if namespace:
        registry.processing_check(tenant=tenant, user_id=namespace, activity="store")
    params = {"repo_path": str(repo), "repo_key": repo_key,
              "output_dir": str(out) if out else None, "namespace": namespace, "llm": llm,
              "languages": sorted(set(languages)) if languages else None,
              "source": source}  # fmt: skip
    with transaction.atomic():
        job = job_queue(tenant=tenant, kind=JOB_KIND, params=params)
    transaction.on_commit(lambda: wiki_generate_task.delay(tenant_id=tenant.pk, job_id=str(job.pk)))
    return job


def wiki_job_cancel(*, job: Job) -> Job:
    """A queued job fails at once as cancelled; a running one stops before its next page."""
    if job.status in (Job.Status.DONE, Job.Status.FAILED):
        raise Conflict("This job has already finished.", code="job_finished")
    job_params_merge(job_id=str(job.pk), values={"cancel_requested": True})
    if job_fail(job_id=str(job.pk), message=CANCELLED, only_status=Job.Status.QUEUED):
        job_params_merge(job_id=str(job.pk), values={"cancelled": True})
    job.refresh_from_db()
    return job


def wiki_jobs_fail_stale() -> int:
    seconds = settings.WIKI_JOB_STALE_SECONDS
    before = timezone.now() - timedelta(seconds=seconds)
    return jobs_fail_stale(kind=JOB_KIND, stale_before=before, message=LOST.format(s=seconds))


# --- run ----------------------------------------------------------------------------------------


def wiki_job_run(*, job_id: str) -> None:
    """The body of the wiki task (inside the tenant's scope)."""
    stale = timezone.now() - timedelta(seconds=settings.WIKI_JOB_STALE_SECONDS)
    job = job_claim(job_id=job_id, stale_before=stale)
    if job is None:
        return
    try:
        counts = _run(job)
    except JobCancelled:
        job_params_merge(job_id=job_id, values={"cancelled": True})
        job_finish(job=job, ok=False, message=CANCELLED)
    except AppError as exc:
        job_finish(job=job, ok=False, message=exc.message)
    except Exception as exc:
        logger.exception("wiki job %s failed", job_id)
        job_finish(job=job, ok=False, message=f"{type(exc).__name__}: {str(exc)[:300]}")
    else:
        job_params_merge(job_id=job_id, values=counts)
        job_finish(job=job, ok=True, message="Wiki generated.")
    _working_dir_remove(job)


def _working_dir_remove(job: Job) -> None:
    """A connector's fetched tree (its own working directory) is removed when its job ends."""
    source = job.params.get("source") or {}
    repo = Path(job.params["repo_path"])
    work = getattr(settings, "WIKI_WORK_DIR", "")
    if source.get("working_dir") and work and inside(repo, Path(work)) and repo.is_dir():
        shutil.rmtree(repo, ignore_errors=True)


def _check_cancel(job: Job) -> None:
    if Job.unscoped.filter(pk=job.pk, params__cancel_requested=True).exists():
        raise JobCancelled


def parse(repo: Path) -> RepoIR:
    from apps.wiki.parsing import parse_repository

    return parse_repository(repo)


def languages_only(ir: RepoIR, languages: set[str]) -> RepoIR:
    """The IR restricted to the files of `languages` (the request's `config.languages`)."""
    files = [f for f in ir.files if f.language in languages]
    kept = {f.path for f in files}
    return replace(
        ir, files=files, symbols=[s for s in ir.symbols if s.path in kept],
        references=[r for r in ir.references if r.from_path in kept],
        endpoints=[e for e in ir.endpoints if e.file in kept],
        diagnostics=[d for d in ir.diagnostics if d.path in kept],
    )  # fmt: skip


def _run(job: Job) -> dict[str, Any]:
    p = job.params
    repo = Path(p["repo_path"])
    ir = parse(repo)
    if p.get("languages"):
        ir = languages_only(ir, set(p["languages"]))
    _check_cancel(job)
    drafts = skeleton_pages(ir, name=repo.name)
    job_params_merge(job_id=str(job.pk), values={"files_parsed": len(ir.files)})
    job_progress(job=job, done=0, total=len(drafts))
    wiki, _ = Wiki.objects.get_or_create(
        tenant=job.tenant, repo_key=p.get("repo_key") or str(repo), namespace=p["namespace"],
        defaults={"name": repo.name},
    )  # fmt: skip
    job_params_merge(job_id=str(job.pk), values={"wiki_id": str(wiki.pk)})
    out = Path(p["output_dir"]) if p.get("output_dir") else None
    existing = {page.path: page for page in WikiPage.objects.filter(wiki=wiki)}
    generated = unchanged = 0
    pending: list[WikiPage] = []  # pages whose memory is still to be created, in batches
    for number, draft in enumerate(drafts, start=1):
        _check_cancel(job)
        page = existing.get(draft.path)
        want = inputs_hash({"inputs": draft.inputs, "llm": bool(p["llm"])})
        if page is not None and page.inputs_hash == want:
            unchanged += 1
        else:
            page = _page_write(job=job, wiki=wiki, page=page, draft=draft, digest=want, repo=repo)
            generated += 1
        if wiki.namespace and page.memory_id is None:  # new, or left so by a lost run
            pending.append(page)
        if len(pending) >= MEMORY_BATCH:
            _memories_attach(job=job, wiki=wiki, pages=pending)
            pending = []
        if out is not None:
            _file_write(out, page)
        job_progress(job=job, done=number)
    _memories_attach(job=job, wiki=wiki, pages=pending)
    vanished = [page for path, page in existing.items() if path not in {d.path for d in drafts}]
    _pages_delete(job=job, wiki=wiki, pages=vanished, out=out)
    return {"pages_generated": generated, "pages_unchanged": unchanged,
            "pages_deleted": len(vanished), "files_parsed": len(ir.files)}  # fmt: skip


def _render(draft: PageDraft, *, repo: Path, llm: bool) -> tuple[str, bool | None]:
    skeleton = draft.render()
    if not llm:
        return skeleton, None
    symbols = draft.inputs["symbols"] if draft.inputs["page"] == "module" else []
    excerpts = source_excerpts(root=repo, symbols=symbols)
    return narrated_page(skeleton=skeleton, narration=narrate(skeleton=skeleton, excerpts=excerpts))


def _page_write(
    *, job: Job, wiki: Wiki, page: WikiPage | None, draft: PageDraft, digest: str, repo: Path
) -> WikiPage:
    content, narrated = _render(draft, repo=repo, llm=bool(job.params["llm"]))
    with transaction.atomic():
        if page is None:
            page = WikiPage(tenant=job.tenant, wiki=wiki, path=draft.path)
        # A page whose narration failed keeps a hash no run matches: the next run tries again.
        stored = digest if narrated is not False else "narration-failed:" + digest[:47]
        page.title, page.content, page.narrated = draft.title, content, narrated
        page.inputs_hash = stored
        if wiki.namespace and page.memory_id is not None:
            page.memory_id = _memory_put(job=job, wiki=wiki, page=page)
        page.save()
    return page


def _memory_put(*, job: Job, wiki: Wiki, page: WikiPage) -> Any:
    """A changed page replaces its memory in place (a new version; the floor refuses a
    suppressed or unconsenting user); None when the user deleted it (created again in a batch)."""
    try:
        memory = memory_update(tenant=job.tenant, memory_id=str(page.memory_id),
                               actor=f"wiki:{job.pk}", value=_memory_value(page),
                               user_id=wiki.namespace)  # fmt: skip
    except NotFound:
        return None
    return memory.pk


def _memory_value(page: WikiPage) -> str:
    return page.content[: settings.MEMORY_CONTENT_MAX_CHARS]


def _memories_attach(*, job: Job, wiki: Wiki, pages: list[WikiPage]) -> None:
    """New pages as memories of the namespace, embedded together (one page at a time took
    minutes on a large repository: docs/benchmarks.md)."""
    if not pages:
        return
    registry.processing_check(tenant=job.tenant, user_id=wiki.namespace, activity="store")
    items = [MemoryIn(value=_memory_value(page), key=f"wiki {wiki.name} {page.path}",
                      tags=["wiki"], metadata={"wiki_id": str(wiki.pk), "wiki_page": page.path,
                                               "title": page.title})
             for page in pages]  # fmt: skip
    with transaction.atomic():
        memories = memories_create(tenant=job.tenant, scope=Scope(user_id=wiki.namespace),
                                   items=items, actor=f"wiki:{job.pk}")  # fmt: skip
        for page, memory in zip(pages, memories, strict=True):
            page.memory_id = memory.pk
        WikiPage.objects.bulk_update(pages, ["memory_id"])


def _pages_delete(*, job: Job, wiki: Wiki, pages: list[WikiPage], out: Path | None) -> None:
    if not pages:
        return
    memory_ids = [str(p.memory_id) for p in pages if p.memory_id is not None]
    with transaction.atomic():
        found = []
        for memory_id in memory_ids:
            try:  # a page's memory the user deleted is gone already
                found += memories_get(tenant=job.tenant, memory_ids=[memory_id])
            except NotFound:
                continue
        memories_delete(tenant=job.tenant, memories=found, actor=f"wiki:{job.pk}")
        WikiPage.objects.filter(pk__in=[p.pk for p in pages]).delete()
    for page in pages:
        if out is not None:
            target = out / page.path
            if inside(target, out) and target.is_file() and not target.is_symlink():
                target.unlink()


def _file_write(out: Path, page: WikiPage) -> None:
    """Write one page under `out`, refusing to follow a symlink out of it (a directory replaced
    by a link after the request was checked)."""
    target = out / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if not inside(target.parent, out):
        raise BadRequest(
            "output_dir holds a link out of WIKI_OUTPUT_ROOT.", code="output_not_allowed"
        )
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(page.content)
