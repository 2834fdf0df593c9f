"""/v1/memory/*: add, search, read, update, delete, history, raw messages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.core.errors import BadRequest
from apps.memories import selectors, services
from apps.memories import serializers as s
from apps.memories.filters import view_field
from apps.memories.services.turns import add_event

TAGS = ["memory"]


class MemoryView(TenantAPIView):
    required_scope = "memory"
    audit_target_type = "memory"


class AddView(MemoryView):
    @extend_schema(operation_id="memory_add", request=s.AddSerializer, responses=s.AddOutSerializer,
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = s.AddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = services.memory_add(
            tenant=request.tenant,
            scope=services.Scope(
                user_id=v["user_id"], agent_id=v["agent_id"], conversation_id=v["conversation_id"]
            ),
            messages=v["parsed_messages"],
            event_id=v.get("event_id"),
            infer=v["infer"],
            async_mode=v["async_mode"],
            actor=self.actor,
        )
        self.set_audit_target("add_batch", result.batch.pk)
        body = {
            "batch_id": str(result.batch.pk),
            "status": result.batch.status,
            "event_id": result.batch.event_id,
            "message_ids": result.message_ids,
            "results": [
                {**s.memory_data(m), "event": add_event(m, result.message_ids)}
                for m in result.memories
            ],
        }
        # As Stripe marks a replayed idempotent request: the body is the batch as it is now.
        headers = {"Idempotent-Replayed": "true"} if result.replayed else None
        return Response(body, headers=headers)


class SearchView(MemoryView):
    read_only = True

    @extend_schema(operation_id="memory_search", request=s.SearchSerializer,
                   responses=s.SearchOutSerializer, tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = s.SearchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        hits = selectors.memory_search(
            tenant=request.tenant,
            q=selectors.SearchQuery(
                query=v["query"],
                messages=v.get("messages"),
                user_id=v.get("user_id"),
                agent_id=v.get("agent_id"),
                conversation_id=v.get("conversation_id") or v.get("run_id"),
                filters=v.get("filters"),
                tags=v.get("tags", []),
                memory_type=v.get("memory_type"),
                created_after=v.get("start_time"),
                created_before=v.get("end_time"),
                limit=v.get("top_k") or v["limit"],
                threshold=v.get("threshold"),
                mode=v["mode"],
                mmr=v["mmr"],
                vector=v.get("vector"),
                linked=v["linked"],
            ),
        )
        return Response({"results": [s.hit_data(hit) for hit in hits]})


class PageSerializer(serializers.Serializer):
    user_id = f.CharField(max_length=200, required=False)
    agent_id = f.CharField(max_length=200, required=False)
    conversation_id = f.CharField(max_length=200, required=False)
    memory_type = f.CharField(max_length=32, required=False)
    page = serializers.IntegerField(min_value=1, max_value=10**6, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=500, default=50)
    filters = s.FilterParam(required=False, help_text="A filter as in search, as JSON")
    view = view_field("all")


class CollectionView(MemoryView):
    @extend_schema(operation_id="memory_list", parameters=[PageSerializer],
                   responses=s.ListOutSerializer, tags=TAGS)  # fmt: skip
    def get(self, request: Request) -> Response:
        params = PageSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        queryset = selectors.memory_list(
            tenant=request.tenant,
            user_id=p.get("user_id"),
            agent_id=p.get("agent_id"),
            conversation_id=p.get("conversation_id"),
            memory_type=p.get("memory_type"),
            filters=p.get("filters"),
            view=p["view"],
        )
        start = (p["page"] - 1) * p["page_size"]
        rows = list(queryset[start : start + p["page_size"]])
        return Response(
            {
                "count": queryset.count(),
                "page": p["page"],
                "page_size": p["page_size"],
                "results": [s.memory_data(m) for m in rows],
            }
        )

    @extend_schema(operation_id="memory_delete_all", parameters=[s.UserQuery],
                   responses={200: s.DeletedOutSerializer}, tags=TAGS)  # fmt: skip
    def delete(self, request: Request) -> Response:
        params = s.UserQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        user_id = params.validated_data["user_id"]
        deleted = services.user_memories_delete(
            tenant=request.tenant, user_id=user_id, actor=self.actor
        )
        self.set_audit_target("user", user_id)
        return Response({"deleted": deleted})


class DetailView(MemoryView):
    @extend_schema(operation_id="memory_get", responses=s.MemoryOutSerializer, tags=TAGS)
    def get(self, request: Request, memory_id: str) -> Response:
        memory = services.memory_get(tenant=request.tenant, memory_id=memory_id)
        return Response(s.memory_data(memory))

    @extend_schema(operation_id="memory_replace", request=s.MemoryUpdateSerializer,
                   responses=s.MemoryOutSerializer, tags=TAGS)  # fmt: skip
    def put(self, request: Request, memory_id: str) -> Response:
        return self._update(request, memory_id, replace=True)

    @extend_schema(operation_id="memory_update", request=s.MemoryUpdateSerializer,
                   responses=s.MemoryOutSerializer, tags=TAGS)  # fmt: skip
    def patch(self, request: Request, memory_id: str) -> Response:
        return self._update(request, memory_id, replace=False)

    def _update(self, request: Request, memory_id: str, *, replace: bool) -> Response:
        data = s.MemoryUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if not v:
            raise BadRequest("Nothing to update: give memory, key, tags, metadata or memory_type.")
        memory = services.memory_update(
            tenant=request.tenant,
            memory_id=memory_id,
            actor=self.actor,
            value=v.get("memory") or v.get("text"),
            metadata=v.get("metadata"),
            tags=v.get("tags"),
            key=v.get("key"),
            memory_type=v.get("memory_type"),
            replace_metadata=replace,
        )
        return Response(s.memory_data(memory))

    @extend_schema(operation_id="memory_delete", responses={200: s.DeletedOutSerializer}, tags=TAGS)
    def delete(self, request: Request, memory_id: str) -> Response:
        services.memory_delete(tenant=request.tenant, memory_id=memory_id, actor=self.actor)
        return Response({"deleted": 1})


class HistoryView(MemoryView):
    @extend_schema(operation_id="memory_history", responses=s.VersionOutSerializer(many=True),
                   tags=TAGS)  # fmt: skip
    def get(self, request: Request, memory_id: str) -> Response:
        memory = services.memory_get(tenant=request.tenant, memory_id=memory_id)
        versions = selectors.memory_history(tenant=request.tenant, memory=memory)
        return Response(s.VersionOutSerializer(versions, many=True).data)


class MessagesView(MemoryView):
    @extend_schema(operation_id="memory_messages", parameters=[s.MessagesQuery],
                   responses=s.MessageOutSerializer(many=True), tags=TAGS)  # fmt: skip
    def get(self, request: Request) -> Response:
        params = s.MessagesQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        rows = selectors.message_list(
            tenant=request.tenant, user_id=p["user_id"], conversation_id=p.get("conversation_id")
        )[: p["limit"]]
        return Response(s.MessageOutSerializer(rows, many=True).data)
