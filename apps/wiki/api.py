"""/v1/wiki/generate, /v1/wiki/status, /v1/wiki/jobs/{job_id} (+ pages, cancel): wiki jobs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.jobs.models import Job
from apps.wiki import selectors, services
from apps.wiki.models import WikiPage

TAGS = ["wiki"]
STATUS = {Job.Status.QUEUED: "pending", Job.Status.RUNNING: "running",
          Job.Status.DONE: "completed", Job.Status.FAILED: "failed"}  # fmt: skip


class ConfigIn(f.InputSerializer):
    output_dir = f.CharField(max_length=1000, required=False)
    languages = serializers.ListField(child=f.CharField(max_length=40), max_length=20,
                                      required=False)  # fmt: skip


class GenerateIn(f.InputSerializer):
    repo_path = f.CharField(max_length=4096)
    output_dir = f.CharField(max_length=1000, required=False)
    namespace = f.CharField(max_length=200, required=False)
    llm = f.BooleanField(default=False)
    config = ConfigIn(required=False)


def _time(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def job_status(job: Job) -> str:
    return "cancelled" if job.params.get("cancelled") else STATUS[job.status]


def job_summary(job: Job) -> dict[str, Any]:
    return {"id": str(job.pk), "repo_path": job.params.get("repo_path"),
            "status": job_status(job), "pages_generated": job.params.get("pages_generated", 0),
            "started_at": _time(job.created_at),
            "completed_at": _time(job.finished_at)}  # fmt: skip


def page_summary(page: WikiPage) -> dict[str, Any]:
    return {"path": page.path, "title": page.title, "narrated": page.narrated,
            "inputs_hash": page.inputs_hash, "updated_at": _time(page.updated_at)}  # fmt: skip


def job_detail(job: Job) -> dict[str, Any]:
    p = job.params
    failed = job.status == Job.Status.FAILED
    return {
        "id": str(job.pk), "status": job_status(job),
        "pages_generated": p.get("pages_generated", 0), "error": job.message if failed else None,
        "repo_path": p.get("repo_path"), "namespace": p.get("namespace") or None,
        "llm": bool(p.get("llm")), "progress": job.percent,
        "files_parsed": p.get("files_parsed", 0),
        "pages_written": job.done, "pages_total": job.total,
        "pages_unchanged": p.get("pages_unchanged", 0), "pages_deleted": p.get("pages_deleted", 0),
        "message": job.message, "started_at": _time(job.created_at),
        "completed_at": _time(job.finished_at),
        "pages": [page_summary(page) for page in selectors.wiki_job_pages(job=job)],
    }  # fmt: skip


class WikiView(TenantAPIView):
    required_scope = "wiki"
    audit_target_type = "wiki_job"


class GenerateView(WikiView):
    @extend_schema(operation_id="wiki_generate", request=GenerateIn, responses={202: dict},
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = GenerateIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        config = v.get("config") or {}
        job = services.wiki_generate_start(
            tenant=request.tenant, repo_path=v["repo_path"],
            output_dir=v.get("output_dir") or config.get("output_dir"),
            namespace=v.get("namespace", ""), llm=v["llm"], languages=config.get("languages"),
        )  # fmt: skip
        self.set_audit_target("wiki_job", job.pk)
        return Response({"job_id": str(job.pk), "status": "pending",
                         "message": "Wiki generation started"},
                        status=status.HTTP_202_ACCEPTED)  # fmt: skip


class StatusView(WikiView):
    @extend_schema(operation_id="wiki_status", responses={200: dict}, tags=TAGS)
    def get(self, request: Request) -> Response:
        jobs = selectors.wiki_jobs(tenant=request.tenant, key=request.auth)[:100]
        return Response({"jobs": [job_summary(job) for job in jobs]})


class JobView(WikiView):
    @extend_schema(operation_id="wiki_job", responses={200: dict}, tags=TAGS)
    def get(self, request: Request, job_id: str) -> Response:
        job = selectors.wiki_job_get(tenant=request.tenant, key=request.auth, job_id=job_id)
        return Response(job_detail(job))


class JobCancelView(WikiView):
    @extend_schema(operation_id="wiki_job_cancel", request=None, responses={200: dict},
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request, job_id: str) -> Response:
        job = selectors.wiki_job_get(tenant=request.tenant, key=request.auth, job_id=job_id)
        self.set_audit_target("wiki_job", job.pk)
        job = services.wiki_job_cancel(job=job)
        return Response({"id": str(job.pk), "status": job_status(job),
                         "message": "Cancelled" if job_status(job) == "cancelled"
                         else "Cancellation requested"})  # fmt: skip


class PageView(WikiView):
    @extend_schema(operation_id="wiki_job_page", responses={200: dict}, tags=TAGS)
    def get(self, request: Request, job_id: str, page_path: str) -> Response:
        job = selectors.wiki_job_get(tenant=request.tenant, key=request.auth, job_id=job_id)
        page = selectors.wiki_page_get(job=job, path=page_path)
        return Response({**page_summary(page), "content": page.content})
