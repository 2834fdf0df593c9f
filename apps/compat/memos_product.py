"""MemOS's product API (`/product/*`, the MemOS server's own routes) on our services, in its
`{code: 200, message, data}` envelope.

Cubes: a MemOS cube is a memory space; here a cube id is the namespace our memories call
`user_id`, inside the caller's tenant. `mem_cube_id` / `writable_cube_ids` name where an add or
a chat writes (default: the caller's own `user_id`), `readable_cube_ids` where a search or a chat
reads. A key only ever reaches cubes of its own tenant: every lookup is tenant-scoped. A cube
registered by /product/create_cube or /product/register_cube is read only by its owner and
readers and written only by its owner (the request's `user_id`; apps.compat.cubes).
MemOS's `session_id` is our `conversation_id`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.chat.api import ServerSentEvent
from apps.chat.routing import model_route
from apps.chat.services import ChatTurn, chat_complete, chat_stream_open
from apps.chat.streaming import sse_response
from apps.compat import serializers as cs
from apps.compat.cubes import cubes_check
from apps.compat.memos import memos_filters
from apps.compat.params import body_of, feedback_message, parse_ids
from apps.core.api import TenantAPIView
from apps.core.errors import BadRequest
from apps.memories import selectors, services
from apps.memories import serializers as s
from apps.memories.models import Memory

TAGS = ["MemOS compatibility"]


def ok(data: Any, message: str = "ok") -> Response:
    return Response({"code": 200, "message": message, "data": data})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def text_mem_item(memory: Memory, relativity: float | None = None) -> dict[str, Any]:
    """A memory as MemOS's textual memory item: `memory` and its `metadata`."""
    return {
        "id": str(memory.pk),
        "memory": memory.value,
        "metadata": {
            "user_id": memory.user_id, "session_id": memory.conversation_id or None,
            "status": memory.status, "type": memory.kind or "fact", "key": memory.key,
            "tags": list(memory.tags), "confidence": memory.confidence, "background": "",
            "mentions": memory.mentions,
            "memory_type": memory.memory_type, "relativity": relativity,
            "sources": memory.sources, "info": memory.metadata or {},
            "created_at": _iso(memory.created_at), "updated_at": _iso(memory.updated_at),
        },
    }  # fmt: skip


def _text(body: dict[str, Any], name: str, *, required: bool = True, limit: int = 200) -> str:
    value = body.get(name)
    if value in (None, ""):
        if required:
            raise BadRequest(f"{name} is required.", code="invalid_parameter")
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise BadRequest(
            f"{name} must be a string of at most {limit} characters.", code="invalid_parameter"
        )
    return value.strip()


def _cubes(
    request: Request, body: dict[str, Any], many: str, user_id: str | None, *, write: bool = False
) -> list[str]:
    """The cubes named by `many` (a list) or `mem_cube_id`, else the caller's own; 403 when one
    is a registered cube `user_id` may not read (or, with `write`, write to)."""
    value = body.get(many)
    if value:
        if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
            raise BadRequest(f"{many} must be a list of cube ids.", code="invalid_parameter")
        if len(value) > 20:
            raise BadRequest(f"{many}: at most 20 cubes.", code="invalid_parameter")
        named = list(dict.fromkeys(value))
    else:
        named = [_text(body, "mem_cube_id", required=False) or user_id]
    cubes_check(tenant=request.tenant, cube_ids=named, user_id=user_id, write=write)
    return named


def _number(body: dict[str, Any], name: str, default: Any, low: float, high: float) -> Any:
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise BadRequest(f"{name} must be a number from {low} to {high}.", code="invalid_parameter")
    return value


class ProductView(TenantAPIView):
    required_scope = "memory"
    audit_target_type = "memory"


def _messages(body: dict[str, Any]) -> Any:
    messages = body.get("messages")
    if messages is None and body.get("memory_content"):
        messages = [{"role": "user", "content": body["memory_content"]}]
    return messages


def _add_to_cubes(
    request: Request, cubes: list[str], v: dict[str, Any], *, async_mode: str, actor: str
) -> list[tuple[str, services.AddResult]]:
    """The validated turns `v` (an AddSerializer's) added to each cube, with extraction on."""
    return [
        (cube, services.memory_add(
            tenant=request.tenant,
            scope=services.Scope(user_id=cube, conversation_id=v["conversation_id"]),
            messages=v["parsed_messages"], event_id=None, infer=True, async_mode=async_mode,
            actor=actor,
        ))
        for cube in cubes
    ]  # fmt: skip


class AddView(ProductView):
    @extend_schema(operation_id="memos_product_add", tags=TAGS,
                   request=cs.ProductAddIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductAddIn)
        user_id = _text(body, "user_id")
        info = body.get("info") or {}
        if not isinstance(info, dict):
            raise BadRequest("info must be an object.", code="invalid_parameter")
        tags = body.get("custom_tags") or []
        data = s.AddSerializer(data={
            "messages": _messages(body), "user_id": user_id,
            "conversation_id": _text(body, "session_id", required=False),
            "metadata": {**info, "memos_user_id": user_id,
                         **({"custom_tags": tags} if tags else {})},
            "infer": True, "async_mode": body.get("async_mode") or "sync",
        })  # fmt: skip
        data.is_valid(raise_exception=True)
        v = data.validated_data
        out = []
        cubes = _cubes(request, body, "writable_cube_ids", user_id, write=True)
        for cube, result in _add_to_cubes(
            request, cubes, v, async_mode=v["async_mode"], actor=self.actor
        ):
            out += [{"memory": m.value, "memory_id": str(m.pk), "memory_type": m.memory_type,
                     "cube_id": cube} for m in result.memories]  # fmt: skip
            if v["async_mode"] == "async":
                out.append({"cube_id": cube, "task_id": str(result.batch.pk),
                            "status": result.batch.status})  # fmt: skip
        return ok(out, "Memory added successfully")


class SearchView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_search", tags=TAGS,
                   request=cs.ProductSearchIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductSearchIn)
        query = _text(body, "query", limit=s.QUERY_MAX_CHARS)
        user_id = _text(body, "user_id")
        top_k = int(_number(body, "top_k", 10, 1, 100))
        relativity = _number(body, "relativity", None, 0, 1)
        threshold = _number(body, "threshold", None, 0, 1)
        filters = memos_filters(body.get("filter"))
        session = _text(body, "session_id", required=False) or None
        text_mem = []
        for cube in _cubes(request, body, "readable_cube_ids", user_id):
            hits = selectors.memory_search(
                tenant=request.tenant,
                q=selectors.SearchQuery(
                    query=query, user_id=cube, limit=top_k, filters=filters,
                    conversation_id=session,
                    threshold=max(relativity or 0, threshold or 0) or None,
                ),
            )  # fmt: skip
            text_mem.append({"cube_id": cube, "memories": [text_mem_item(h.memory, h.similarity)
                                                           for h in hits]})  # fmt: skip
        return ok({"text_mem": text_mem, "act_mem": [], "para_mem": [], "pref_mem": [],
                   "pref_note": ""}, "Search completed successfully")  # fmt: skip


class GetAllView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_get_all", tags=TAGS,
                   request=cs.ProductGetAllIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductGetAllIn)
        user_id = _text(body, "user_id")
        memory_type = body.get("memory_type") or "text_mem"
        if memory_type not in {"text_mem", "act_mem", "param_mem", "para_mem"}:
            raise BadRequest(
                "memory_type must be text_mem, act_mem, param_mem or para_mem.",
                code="invalid_parameter",
            )
        out = []
        for cube in _cubes(request, body, "mem_cube_ids", user_id):
            memories = []
            if memory_type == "text_mem":
                rows = selectors.memory_list(tenant=request.tenant, user_id=cube,
                                             view=body["view"])[:1000]  # fmt: skip
                memories = [text_mem_item(m) for m in rows]
            out.append({"cube_id": cube, "memories": memories})
        return ok(out, "Memories retrieved successfully")


class GetMemoryView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_get_memory", tags=TAGS,
                   request=cs.ProductGetMemoryIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductGetMemoryIn)
        cube = _text(body, "mem_cube_id")
        cubes_check(tenant=request.tenant, cube_ids=[cube], user_id=body.get("user_id") or None,
                    write=False)  # fmt: skip
        page = int(_number(body, "page", 1, 1, 10**6))
        size = int(_number(body, "page_size", 50, 1, 500))
        queryset = selectors.memory_list(
            tenant=request.tenant, user_id=cube, filters=memos_filters(body.get("filter")),
            view=body["view"],
        )  # fmt: skip
        total = queryset.count()
        rows = queryset[(page - 1) * size : page * size]
        return ok({"text_mem": [{"cube_id": cube, "memories": [text_mem_item(m) for m in rows],
                                 "total": total, "page": page, "page_size": size}],
                   "pref_mem": [], "tool_mem": []}, "Memories retrieved successfully")  # fmt: skip


class GetMemoryByIdView(ProductView):
    @extend_schema(operation_id="memos_product_get_memory_by_id", tags=TAGS,
                   responses={200: dict})  # fmt: skip
    def get(self, request: Request, memory_id: uuid.UUID) -> Response:
        memory = services.memory_get(tenant=request.tenant, memory_id=str(memory_id))
        return ok(text_mem_item(memory), "Memory retrieved successfully")


class DeleteMemoryView(ProductView):
    @extend_schema(operation_id="memos_product_delete_memory", tags=TAGS,
                   request=cs.ProductDeleteIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductDeleteIn)
        ids = parse_ids(body.get("memory_ids") or [], "memory_ids")
        if ids:
            memories = services.memories_get(tenant=request.tenant, memory_ids=ids)
        else:
            cubes = body.get("writable_cube_ids") or []
            if not cubes or not isinstance(cubes, list):
                raise BadRequest(
                    "Name what to delete: memory_ids, or writable_cube_ids.",
                    code="invalid_parameter",
                )
            cubes_check(tenant=request.tenant, cube_ids=[str(c) for c in cubes],
                        user_id=body.get("user_id") or None, write=True)  # fmt: skip
            filters = memos_filters(body.get("filter"))
            session = _text(body, "session_id", required=False) or None
            memories = []
            for cube in cubes:
                memories += list(selectors.memory_list(
                    tenant=request.tenant, user_id=str(cube), filters=filters,
                    conversation_id=session,
                ))  # fmt: skip
        deleted = services.memories_delete(
            tenant=request.tenant, memories=memories, actor=self.actor
        )
        return ok({"status": "success", "deleted": deleted}, "Memories deleted successfully")


class FeedbackView(ProductView):
    @extend_schema(operation_id="memos_product_feedback", tags=TAGS,
                   request=cs.ProductFeedbackIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductFeedbackIn)
        user_id = _text(body, "user_id")
        content = _text(body, "feedback_content", limit=20000)
        message = feedback_message(content, body.get("feedback_time"))
        data = s.AddSerializer(data={"messages": [message], "user_id": user_id, "infer": True,
                                     "conversation_id": _text(body, "session_id",
                                                              required=False)})  # fmt: skip
        data.is_valid(raise_exception=True)
        v = data.validated_data
        cubes = _cubes(request, body, "writable_cube_ids", user_id, write=True)
        out = [{"cube_id": cube, "task_id": str(result.batch.pk),
                "decisions": result.batch.decisions}
               for cube, result in _add_to_cubes(request, cubes, v, async_mode="sync",
                                                 actor=self.actor)]  # fmt: skip
        return ok(out, "Feedback processed successfully")


def _chat_turn(request: Request, body: dict[str, Any], *, actor: str) -> ChatTurn:
    user_id = _text(body, "user_id")
    query = _text(body, "query", limit=20000)
    history = body.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(m, dict) and m.get("role") in {"user", "assistant", "system"}
        and isinstance(m.get("content"), str) for m in history
    ):  # fmt: skip
        raise BadRequest(
            "history must be a list of {role, content} messages.", code="invalid_parameter"
        )
    messages = [{"role": m["role"], "content": m["content"]} for m in history]
    if body.get("system_prompt"):
        messages.insert(0, {"role": "system", "content": _text(body, "system_prompt",
                                                                limit=20000)})  # fmt: skip
    messages.append({"role": "user", "content": query})
    upstream = {k: body[k] for k in ("max_tokens", "temperature", "top_p") if body.get(k)
                is not None}  # fmt: skip
    writes = body.get("add_message_on_answer", True) is not False
    return ChatTurn(
        tenant=request.tenant, user_id=user_id, messages=messages, body=upstream,
        model=model_route(body.get("model_name_or_path")), actor=actor,
        conversation_id=_text(body, "session_id", required=False),
        read_from=_cubes(request, body, "readable_cube_ids", user_id),
        write_to=_cubes(request, body, "writable_cube_ids", user_id, write=True) if writes else [],
        memory_limit=int(_number(body, "top_k", 10, 1, 50)),
        threshold=_number(body, "relativity", None, 0, 1) or None,
    )  # fmt: skip


class ChatCompleteView(ProductView):
    required_scope = "chat"
    audit_target_type = "chat"

    @extend_schema(operation_id="memos_product_chat_complete", tags=TAGS,
                   request=cs.ProductChatIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        turn = _chat_turn(request, body_of(request, cs.ProductChatIn), actor=self.actor)
        completion = chat_complete(turn)
        answer = completion["choices"][0]["message"].get("content") or ""
        return ok({"response": answer, "reasoning": None,
                   "references": [text_mem_item(h.memory, h.similarity) for h in turn.hits]},
                  "Chat completed successfully")  # fmt: skip


def _memos_events(lines: Iterator[bytes], references: list[dict[str, Any]]) -> Iterator[bytes]:
    """OpenAI chunks → MemOS's stream events: `reference`, then `text` pieces, then `end`."""

    def event(kind: str, data: Any) -> bytes:
        return f"data: {json.dumps({'type': kind, 'data': data}, ensure_ascii=False)}\n\n".encode()

    yield event("reference", references)
    for line in lines:
        payload = line.decode().removeprefix("data: ").strip()
        if payload == "[DONE]":
            break
        chunk = json.loads(payload)
        if "error" in chunk:
            yield event("error", chunk["error"]["message"])
            continue
        for choice in chunk.get("choices") or []:
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                yield event("text", piece)
    yield event("end", None)


class ChatStreamView(ProductView):
    required_scope = "chat"
    audit_target_type = "chat"

    @extend_schema(operation_id="memos_product_chat_stream", tags=TAGS, request=cs.ProductChatIn,
                   responses={(200, "text/event-stream"): ServerSentEvent})  # fmt: skip
    def post(self, request: Request) -> StreamingHttpResponse:
        turn = _chat_turn(request, body_of(request, cs.ProductChatIn), actor=self.actor)
        stream = chat_stream_open(turn)
        references = [text_mem_item(h.memory, h.similarity) for h in turn.hits]
        events = _memos_events(stream.lines(), references)
        return sse_response(events, request, abort=stream.abort)
