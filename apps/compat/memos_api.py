"""MemOS's cloud API (`/api/openmem/v1/*`, what `MemOSClient` of the MemoryOS package calls),
served by our services, answering in MemOS's `{code: 0, message, data}` envelope. Errors keep
the platform's error envelope and HTTP status (the client raises on any non-2xx).

A feedback is a correction in the user's words ("I don't live in Beijing any more, I moved to
Hangzhou"): it goes through the pipeline like a user turn, and reconciliation updates or
retracts the memories it contradicts."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.compat import serializers as cs
from apps.compat.memos import memos_filters
from apps.compat.params import body_of, feedback_message, floor_add, parse_ids
from apps.core.api import TenantAPIView
from apps.core.errors import BadRequest, NotFound
from apps.memories import selectors, services
from apps.memories.models import AddBatch, Memory, Message

TAGS = ["MemOS compatibility"]
STATUS = {"queued": "pending", "running": "running", "done": "completed", "failed": "failed"}


def ok(data: Any) -> Response:
    return Response({"code": 0, "message": "ok", "data": data})


def _ms(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def memory_detail(memory: Memory, relativity: float | None = None) -> dict[str, Any]:
    return {
        "id": str(memory.pk),
        "memory_key": memory.key or memory.value[:60],
        "memory_value": memory.value,
        "memory_type": memory.memory_type,
        "tags": list(memory.tags),
        "relativity": relativity,
        "confidence": memory.confidence,
        "mentions": memory.mentions,
        "user_id": memory.user_id,
        "agent_id": memory.agent_id or None,
        "conversation_id": memory.conversation_id or None,
        "info": memory.metadata or {},
        "sources": memory.sources,
        "create_time": _ms(memory.created_at),
        "update_time": _ms(memory.updated_at),
    }


def _one(value: Any, name: str) -> str:
    """MemOS lets some ids be a list; we serve one."""
    if isinstance(value, list):
        if len(value) != 1:
            raise BadRequest(f"{name}: give one id.", code="invalid_parameter")
        value = value[0]
    return str(value).strip() if value not in (None, "") else ""


def _subject(body: dict[str, Any]) -> tuple[str, str]:
    user_id, agent_id = _one(body.get("user_id"), "user_id"), _one(body.get("agent_id"), "agent_id")
    if not user_id and not agent_id:
        raise BadRequest("user_id or agent_id is required.", code="invalid_parameter")
    return user_id, agent_id


def _limit(value: Any, name: str, default: int, high: int) -> int:
    if value in (None, ""):
        return default
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= high:
        raise BadRequest(f"{name} must be an integer from 1 to {high}.", code="invalid_parameter")
    return value


class MemosView(TenantAPIView):
    required_scope = "memory"
    audit_target_type = "memory"


def _add(
    request: Request, body: dict[str, Any], *, messages: Any, async_mode: bool, actor: str
) -> Response:
    user_id, agent_id = _subject(body)
    info = body.get("info") or {}
    tags = body.get("tags") or []
    metadata = {**info, **({"source": body["source"]} if body.get("source") else {}),
                **({"app_id": body["app_id"]} if body.get("app_id") else {}),
                **({"custom_tags": tags} if tags else {})}  # fmt: skip
    result = floor_add(request, {
        "messages": messages, "user_id": user_id or agent_id, "agent_id": agent_id,
        "conversation_id": _one(body.get("conversation_id"), "conversation_id"),
        "metadata": metadata, "infer": True, "async_mode": "async" if async_mode else "sync",
    }, actor=actor)  # fmt: skip
    batch = result.batch
    return ok({"success": batch.status != AddBatch.Status.FAILED, "task_id": str(batch.pk),
               "status": STATUS.get(batch.status, batch.status)})  # fmt: skip


class AddMessageView(MemosView):
    @extend_schema(operation_id="memos_add_message", tags=TAGS, request=cs.MemosAddIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.MemosAddIn)
        messages = [
            {k: v for k, v in m.items() if k in {"role", "content", "metadata"}}
            | ({"timestamp": m["chat_time"]} if m.get("chat_time") is not None else {})
            for m in body["messages"]
        ]  # fmt: skip
        response = _add(request, body, messages=messages, async_mode=body["async_mode"],
                        actor=self.actor)  # fmt: skip
        self.set_audit_target("add_batch", response.data["data"]["task_id"])
        return response


class FeedbackView(MemosView):
    @extend_schema(operation_id="memos_add_feedback", tags=TAGS, request=cs.MemosFeedbackIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.MemosFeedbackIn)
        message = feedback_message(body["feedback_content"], body.get("feedback_time"))
        response = _add(request, body, messages=[message], async_mode=False, actor=self.actor)
        self.set_audit_target("feedback", response.data["data"]["task_id"])
        return response


class SearchMemoryView(MemosView):
    read_only = True

    @extend_schema(operation_id="memos_search_memory", tags=TAGS, request=cs.MemosSearchIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.MemosSearchIn)
        query = body["query"]
        user_id, agent_id = _subject(body)
        relativity = body.get("relativity")
        hits = selectors.memory_search(
            tenant=request.tenant,
            q=selectors.SearchQuery(
                query=query, user_id=user_id or agent_id, agent_id=agent_id or None,
                conversation_id=_one(body.get("conversation_id"), "conversation_id") or None,
                filters=memos_filters(body.get("filter")), threshold=relativity,
                limit=_limit(body.get("memory_limit_number"), "memory_limit_number", 6, 50),
            ),
        )  # fmt: skip
        details = [memory_detail(h.memory, h.similarity) for h in hits]
        lines = "\n".join(f"- {d['memory_value']}" for d in details)
        instruction = f"Relevant memories of the user:\n{lines}" if details else ""
        full = f"{instruction}\n\nUser question: {query}" if details else query
        return ok({"memory_detail_list": details, "message_detail_list": None,
                   "preference_detail_list": [], "tool_memory_detail_list": None,
                   "skill_detail_list": None, "preference_note": "",
                   "instruction": instruction, "full_instruction": full})  # fmt: skip


class GetMemoryView(MemosView):
    read_only = True

    @extend_schema(operation_id="memos_get_memory", tags=TAGS, request=cs.MemosGetMemoryIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.MemosGetMemoryIn)
        user_id, agent_id = _subject(body)
        page = _limit(body.get("page"), "page", 1, 10**6)
        size = _limit(body.get("size"), "size", 10, 50)
        queryset = selectors.memory_list(
            tenant=request.tenant, user_id=user_id or agent_id, agent_id=agent_id or None,
            filters=memos_filters(body.get("filter")), view=body["view"],
        ).defer("embedding", "search_vector")  # fmt: skip
        total = queryset.count()
        rows = queryset[(page - 1) * size : page * size]
        return ok({"memory_detail_list": [memory_detail(m) for m in rows],
                   "preference_detail_list": [], "tool_memory_detail_list": [],
                   "total": total, "size": size, "current": page,
                   "pages": math.ceil(total / size)})  # fmt: skip


class GetMemoryByIdView(MemosView):
    @extend_schema(operation_id="memos_get_memory_by_id", tags=TAGS, responses={200: dict})
    def get(self, request: Request, memory_id: uuid.UUID) -> Response:
        return ok(memory_detail(services.memory_get(tenant=request.tenant,
                                                    memory_id=str(memory_id))))  # fmt: skip


class DeleteMemoryView(MemosView):
    @extend_schema(operation_id="memos_delete_memory", tags=TAGS, request=cs.MemosDeleteIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.MemosDeleteIn)
        ids = parse_ids(body.get("memory_ids") or [], "memory_ids")
        if ids:
            memories = services.memories_get(tenant=request.tenant, memory_ids=ids)
        else:
            user_id = _one(body.get("user_id"), "user_id") or _one(body.get("user_ids"), "user_ids")
            agent_id = _one(body.get("agent_id"), "agent_id")
            filters = memos_filters(body.get("filter"))
            if not (user_id or agent_id):
                raise BadRequest(
                    "Name what to delete: memory_ids, user_id or agent_id.",
                    code="invalid_parameter",
                )
            memories = list(selectors.memory_list(
                tenant=request.tenant, user_id=user_id or agent_id, agent_id=agent_id or None,
                memory_type=body.get("memory_type") or None, filters=filters,
            ))  # fmt: skip
        deleted = services.memories_delete(
            tenant=request.tenant, memories=memories, actor=self.actor
        )
        self.set_audit_target("memories", deleted)
        return ok({"success": True})


class GetMessageView(MemosView):
    read_only = True

    @extend_schema(operation_id="memos_get_message", tags=TAGS, request=cs.MemosGetMessageIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.MemosGetMessageIn)
        user_id = body["user_id"]
        limit = _limit(body.get("message_limit_number"), "message_limit_number", 6, 500)
        conversation_id = _one(body.get("conversation_id"), "conversation_id") or None
        rows = Message.objects.filter(tenant=request.tenant, user_id=user_id)
        if conversation_id:
            rows = rows.filter(conversation_id=conversation_id)
        latest = list(rows.order_by("-timestamp", "-id")[:limit])[::-1]
        return ok({"message_detail_list": [
            {"message_id": m.pk, "role": m.role, "content": m.content,
             "conversation_id": m.conversation_id or None, "create_time": _ms(m.timestamp)}
            for m in latest
        ]})  # fmt: skip


class TaskStatusView(MemosView):
    read_only = True

    @extend_schema(operation_id="memos_get_status", tags=TAGS, request=cs.MemosStatusIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        task_id = body_of(request, cs.MemosStatusIn)["task_id"]
        try:
            batch_id = str(uuid.UUID(str(task_id)))
        except ValueError as exc:
            raise NotFound("No such task.", code="task_not_found") from exc
        batch = selectors.batch_get(tenant=request.tenant, batch_id=batch_id)
        if batch is None:
            raise NotFound("No such task.", code="task_not_found")
        return ok({"task_id": batch_id, "status": STATUS.get(batch.status, batch.status)})
