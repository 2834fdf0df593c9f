"""The MemOS server routes added in issue 15, in its `{code: 200, message, data}` envelope:
memories by ids, cubes (create / register), the soft delete by record id and its recover,
suggestions, and the scheduler status on our add batches. Cube access rules: apps.compat.cubes."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.compat import cubes, scheduler, suggestions
from apps.compat import serializers as cs
from apps.compat.memos import memories_by_ids
from apps.compat.memos_product import ProductView, ok, text_mem_item
from apps.compat.params import body_of
from apps.core.errors import BadRequest

TAGS = ["MemOS compatibility"]


def _query(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = serializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _memory_ids(body: Any) -> list[str]:
    """MemOS sends the ids as the body itself (a JSON list); `{"memory_ids": [...]}` also."""
    if isinstance(body, dict):
        body = body.get("memory_ids")
    if not isinstance(body, list) or not all(isinstance(i, str) for i in body):
        raise BadRequest("The body must be a list of memory ids.", code="invalid_parameter")
    if len(body) > cs.MAX_IDS:
        raise BadRequest(f"At most {cs.MAX_IDS} memory ids.", code="invalid_parameter")
    return list(dict.fromkeys(body))


class GetMemoryByIdsView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_get_memory_by_ids", tags=TAGS,
                   request=cs.ProductMemoryIdsIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        found = memories_by_ids(tenant=request.tenant, memory_ids=_memory_ids(request.data))
        return ok({"memories": [text_mem_item(m) for m in found]},
                  "Memories retrieved successfully")  # fmt: skip


class CreateCubeView(ProductView):
    @extend_schema(operation_id="memos_product_create_cube", tags=TAGS,
                   request=cs.ProductCreateCubeIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductCreateCubeIn)
        cube = cubes.cube_create(tenant=request.tenant, name=body["cube_name"],
                                 owner_id=body["owner_id"], cube_id=body.get("cube_id") or None,
                                 reader_ids=body.get("reader_ids") or [])  # fmt: skip
        return ok({"cube_id": cube.cube_id, "cube_name": cube.name, "owner_id": cube.owner_id,
                   "reader_ids": cube.reader_ids}, "Cube created successfully")  # fmt: skip


class RegisterCubeView(ProductView):
    @extend_schema(operation_id="memos_product_register_cube", tags=TAGS,
                   request=cs.ProductRegisterCubeIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductRegisterCubeIn)
        cube_id = body.get("mem_cube_id") or str(uuid.uuid4())
        # MemOS's default cube of a user is named after the user: without user_id the cube is
        # owned by the user its id names.
        cube = cubes.cube_register(tenant=request.tenant, name=body["mem_cube_name_or_path"],
                                   owner_id=body.get("user_id") or cube_id, cube_id=cube_id,
                                   reader_ids=body.get("reader_ids"))  # fmt: skip
        return ok({"cube_id": cube.cube_id, "cube_name_or_path": cube.name,
                   "owner_id": cube.owner_id, "reader_ids": cube.reader_ids},
                  "Cube registered successfully")  # fmt: skip


class DeleteByRecordView(ProductView):
    @extend_schema(operation_id="memos_product_delete_memory_by_record_id", tags=TAGS,
                   request=cs.ProductDeleteByRecordIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductDeleteByRecordIn)
        cube = body["mem_cube_id"]
        cubes.cubes_check(tenant=request.tenant, cube_ids=[cube], user_id=body.get("user_id"),
                          write=True)  # fmt: skip
        if body["hard_delete"]:
            cubes.cube_deletion_forget(tenant=request.tenant, cube_id=cube,
                                       record_id=body["record_id"])  # fmt: skip
            return ok({"status": "success", "deleted": 0}, "Called Successfully")
        deleted = cubes.cube_memories_delete(
            tenant=request.tenant, cube_id=cube, record_id=body["record_id"], actor=self.actor
        )
        return ok({"status": "success", "deleted": deleted}, "Called Successfully")


class RecoverByRecordView(ProductView):
    @extend_schema(operation_id="memos_product_recover_memory_by_record_id", tags=TAGS,
                   request=cs.ProductRecoverByRecordIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductRecoverByRecordIn)
        cube = body["mem_cube_id"]
        cubes.cubes_check(tenant=request.tenant, cube_ids=[cube], user_id=body.get("user_id"),
                          write=True)  # fmt: skip
        recovered = cubes.cube_memories_recover(tenant=request.tenant, cube_id=cube,
                                                record_id=body["delete_record_id"],
                                                actor=self.actor)  # fmt: skip
        return ok({"status": "success", "recovered": recovered}, "Called Successfully")


class SuggestionsView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_suggestions", tags=TAGS,
                   request=cs.ProductSuggestionIn, responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.ProductSuggestionIn)
        cubes.cubes_check(tenant=request.tenant, cube_ids=[body["mem_cube_id"]],
                          user_id=body["user_id"], write=False)  # fmt: skip
        made = suggestions.suggestions_make(tenant=request.tenant, user_id=body["mem_cube_id"],
                                            language=body.get("language"),
                                            message=_dialogue(body.get("message")))  # fmt: skip
        # MemOS's data is {"query": [...]} (dict[str, list[str]]): how the questions were made
        # goes beside it, where MemOS's model ignores it.
        answer = ok({"query": made["query"]}, "Suggestions retrieved successfully")
        answer.data.update(source=made["source"], generator=made["generator"])
        return answer


def _dialogue(messages: list[dict[str, Any]] | None) -> list[dict[str, str]] | None:
    """The turns' text (content parts: their text parts), or None without turns."""
    if not messages:
        return None
    turns = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            texts = [p.get("text") for p in content if isinstance(p, dict)]
            content = " ".join(t for t in texts if isinstance(t, str))
        if not isinstance(content, str):
            raise BadRequest("message: each turn needs a text content.", code="invalid_parameter")
        turns.append({"role": str(message.get("role") or "user"), "content": content[:2000]})
    return turns if any(t["content"].strip() for t in turns) else None


class SchedulerStatusView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_scheduler_status", tags=TAGS,
                   parameters=[cs.SchedulerStatusQuery], responses={200: dict})  # fmt: skip
    def get(self, request: Request) -> Response:
        query = _query(cs.SchedulerStatusQuery, request)
        return ok(scheduler.task_statuses(tenant=request.tenant, user_id=query["user_id"],
                                          task_id=query.get("task_id") or None),
                  "Memory get status successfully")  # fmt: skip


class SchedulerAllStatusView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_scheduler_allstatus", tags=TAGS,
                   responses={200: dict})  # fmt: skip
    def get(self, request: Request) -> Response:
        return ok(scheduler.status_summary(tenant=request.tenant),
                  "Scheduler status summary retrieved successfully")  # fmt: skip


class SchedulerQueueView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_scheduler_task_queue_status", tags=TAGS,
                   parameters=[cs.SchedulerQueueQuery], responses={200: dict})  # fmt: skip
    def get(self, request: Request) -> Response:
        query = _query(cs.SchedulerQueueQuery, request)
        return ok(scheduler.task_queue(tenant=request.tenant, user_id=query["user_id"]),
                  "Scheduler task queue status retrieved successfully")  # fmt: skip


class SchedulerWaitView(ProductView):
    read_only = True

    @extend_schema(operation_id="memos_product_scheduler_wait", tags=TAGS, request=None,
                   parameters=[cs.SchedulerWaitQuery], responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        query = _query(cs.SchedulerWaitQuery, request)
        waited = scheduler.user_wait(tenant=request.tenant, user_id=query["user_name"],
                                     timeout=query["timeout_seconds"],
                                     poll=query["poll_interval"])  # fmt: skip
        return ok(waited["data"], waited["message"])
