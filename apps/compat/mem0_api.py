"""The paths mem0's `MemoryClient` (mem0ai 2.x) calls, with its request and response shapes,
served by our services. Authorization is mem0's `Token <key>` (or Bearer); every path is
tenant-scoped like the rest of the API.

Differences, on purpose: `rerank` is accepted and ignored (search is already hybrid, and no
packaged reranker exists); `add` runs the pipeline in the request unless `async_mode` is true,
so a search right after an add finds what was added; exports are ready at once."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.compat import mem0
from apps.compat import serializers as cs
from apps.compat.params import body_of, floor_add
from apps.core.api import TenantAPIView
from apps.core.errors import BadRequest, NotFound
from apps.core.fields import utc
from apps.jobs.models import Job
from apps.memories import registry, selectors, services
from apps.memories.models import AddBatch, Memory
from apps.memories.services.turns import add_event

TAGS = ["mem0 compatibility"]


def _moment(value: str, name: str) -> datetime:
    """An ISO 8601 date or time (a date means its midnight, UTC)."""
    try:
        moment = parse_datetime(value) if "T" in value or " " in value else None
        if moment is None and (day := parse_date(value) if len(value) == 10 else None):
            moment = datetime.combine(day, time(), tzinfo=UTC)
    except ValueError:  # well formed, but no such day or time (2024-02-30)
        moment = None
    if moment is None:
        raise BadRequest(f"{name} must be an ISO 8601 date or time.", code="invalid_parameter")
    return utc(moment) if moment.tzinfo else moment.replace(tzinfo=UTC)


class Mem0View(TenantAPIView):
    required_scope = "memory"
    audit_target_type = "memory"


class PingView(Mem0View):
    @extend_schema(operation_id="mem0_ping", tags=TAGS, responses={200: dict})
    def get(self, request: Request) -> Response:
        slug = request.tenant.slug
        return Response({"status": "ok", "message": "pong", "org_id": slug, "project_id": slug,
                         "user_email": None})  # fmt: skip


class AddView(Mem0View):
    @extend_schema(operation_id="mem0_add", tags=TAGS, request=cs.Mem0AddIn, responses={200: dict})
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0AddIn)
        scope, _ = mem0.split_filters(
            body.get("filters"), user_id=body.get("user_id"), agent_id=body.get("agent_id"),
            conversation_id=body.get("run_id"),
        )  # fmt: skip
        metadata = dict(body.get("metadata") or {})
        if body.get("app_id"):
            metadata["app_id"] = body["app_id"]
        result = floor_add(request, {
            "messages": body["messages"], "user_id": scope.get("user_id", ""),
            "agent_id": scope.get("agent_id", ""),
            "conversation_id": scope.get("conversation_id", ""), "metadata": metadata,
            "infer": body["infer"], "async_mode": "async" if body["async_mode"] else "sync",
            "timestamp": mem0.timestamp_iso(body.get("timestamp")),
            **({"event_id": body["event_id"]} if body.get("event_id") else {}),
        }, actor=self.actor)  # fmt: skip
        self.set_audit_target("add_batch", result.batch.pk)
        graph = {}
        if body["enable_graph"]:  # mem0's graph memory: what the add did to the user's graph
            graph["relations"] = _added_relations(result, actor=self.actor)
        if body["async_mode"]:
            queued = {"message": "Memory processing has been queued.", "status": "PENDING",
                      "event_id": str(result.batch.pk)}  # fmt: skip
            return Response({"results": [queued], **graph})
        events = {d.get("memory_id"): d["event"] for d in result.batch.decisions or []}
        return Response({"results": [
            {**mem0.memory_out(m),
             "event": events.get(str(m.pk)) or add_event(m, result.message_ids)}
            for m in result.memories
        ], **graph})  # fmt: skip


def _added_relations(result: services.AddResult, *, actor: str) -> dict[str, list[Any]]:
    """mem0's `relations` of an add: the edges its messages are a source of and those they
    closed. A synchronous add with `infer` on runs the graph's stage here (the queued run then
    writes nothing twice); an asynchronous one has none yet (`get_all` shows them later)."""
    provider = registry.relation_provider()
    empty: dict[str, list[Any]] = {"deleted_entities": [], "added_entities": []}
    batch = result.batch
    if provider is None or not batch.infer or batch.status != AddBatch.Status.DONE:
        return empty
    if provider.stage:
        services.stage_run(batch=batch, stage_name=provider.stage, actor=actor)
    return provider.changes(tenant=batch.tenant, message_ids=list(result.message_ids))


def _relations(tenant: Any, *, user_id: str | None, query: str | None, limit: int) -> list:
    """mem0's `relations` of a search or listing: the user's current edges ("" is the
    tenant-wide graph, where adds without a user_id put theirs)."""
    provider = registry.relation_provider()
    if provider is None:
        return []
    return provider.relations(tenant=tenant, user_id=user_id or "", query=query, limit=limit)


def _scoped_query(body: dict[str, Any]) -> dict[str, Any]:
    scope, rest = mem0.split_filters(
        body.get("filters"), user_id=body.get("user_id"), agent_id=body.get("agent_id"),
        conversation_id=body.get("run_id"),
    )  # fmt: skip
    categories = body.get("categories")
    if categories:
        tag_filter = {"tags": {"in": categories}}
        rest = {"AND": [rest, tag_filter]} if rest else tag_filter
    return {"user_id": scope.get("user_id"), "agent_id": scope.get("agent_id"),
            "conversation_id": scope.get("conversation_id"), "filters": rest}  # fmt: skip


class SearchView(Mem0View):
    read_only = True

    @extend_schema(
        operation_id="mem0_search", tags=TAGS, request=cs.Mem0SearchIn, responses={200: dict}
    )
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0SearchIn)
        hits = selectors.memory_search(
            tenant=request.tenant,
            q=selectors.SearchQuery(
                query=body["query"], limit=body.get("top_k") or 10,
                threshold=body.get("threshold"), **_scoped_query(body),
            ),
        )  # fmt: skip
        out: dict[str, Any] = {"results": [mem0.memory_out(h.memory, h.score) for h in hits]}
        if body["enable_graph"]:
            out["relations"] = _relations(
                request.tenant,
                user_id=_scoped_query(body)["user_id"],
                query=body["query"],
                limit=body.get("top_k") or 10,
            )
        return Response(out)


class ListView(Mem0View):
    read_only = True

    @extend_schema(operation_id="mem0_get_all", tags=TAGS, request=cs.Mem0ListIn,
                   parameters=[cs.Mem0PageQuery], responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0ListIn)
        paging = cs.Mem0PageQuery(data=request.query_params)
        paging.is_valid(raise_exception=True)
        page, size = paging.validated_data["page"], paging.validated_data["page_size"]
        queryset = selectors.memory_list(tenant=request.tenant, view=body["view"],
                                         **_scoped_query(body))  # fmt: skip
        for field, name in (("created_at__gte", "start_date"), ("created_at__lte", "end_date")):
            if body.get(name):
                queryset = queryset.filter(**{field: _moment(body[name], name)})
        count = queryset.count()
        rows = list(queryset.defer("embedding", "search_vector")[(page - 1) * size : page * size])
        base = request.build_absolute_uri(request.path)
        more = page * size < count
        return Response({
            "count": count,
            "next": f"{base}?page={page + 1}&page_size={size}" if more else None,
            "previous": f"{base}?page={page - 1}&page_size={size}" if page > 1 else None,
            "results": [mem0.memory_out(m) for m in rows],
            **({"relations": _relations(request.tenant, user_id=_scoped_query(body)["user_id"],
                                        query=None, limit=size)} if body["enable_graph"] else {}),
        })  # fmt: skip


class DetailView(Mem0View):
    @extend_schema(operation_id="mem0_get", tags=TAGS, responses={200: dict})
    def get(self, request: Request, memory_id: str) -> Response:
        return Response(mem0.memory_out(services.memory_get(tenant=request.tenant,
                                                            memory_id=memory_id)))  # fmt: skip

    @extend_schema(
        operation_id="mem0_update", tags=TAGS, request=cs.Mem0UpdateIn, responses={200: dict}
    )
    def put(self, request: Request, memory_id: str) -> Response:
        body = body_of(request, cs.Mem0UpdateIn)
        memory = services.memory_update(
            tenant=request.tenant, memory_id=memory_id, actor=self.actor,
            value=body.get("text"), metadata=body.get("metadata"),
        )  # fmt: skip
        self.set_audit_target("memory", memory.pk)
        return Response(mem0.memory_out(memory))

    @extend_schema(operation_id="mem0_delete", tags=TAGS, responses={200: dict})
    def delete(self, request: Request, memory_id: str) -> Response:
        services.memory_delete(tenant=request.tenant, memory_id=memory_id, actor=self.actor)
        self.set_audit_target("memory", memory_id)
        return Response({"message": "Memory deleted successfully!"})


class HistoryView(Mem0View):
    @extend_schema(operation_id="mem0_history", tags=TAGS,
                   responses={200: cs.Mem0VersionOut(many=True)})  # fmt: skip
    def get(self, request: Request, memory_id: str) -> Response:
        memory = services.memory_get(tenant=request.tenant, memory_id=memory_id)
        versions = selectors.memory_history(tenant=request.tenant, memory=memory)
        return Response([mem0.version_out(v, memory) for v in versions])


class DeleteAllView(Mem0View):
    @extend_schema(operation_id="mem0_delete_all", tags=TAGS, responses={200: dict}, parameters=[
        OpenApiParameter("scope", cs.Mem0DeleteAllQuery, style="form", explode=True,
                         required=True, description="user_id, agent_id, app_id, run_id: one "
                         "at least (each is its own query parameter)"),
    ])  # fmt: skip
    def delete(self, request: Request) -> Response:
        query = cs.Mem0DeleteAllQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        scope = {"user_id": params.get("user_id"), "agent_id": params.get("agent_id"),
                 "conversation_id": params.get("run_id")}  # fmt: skip
        filters = {"metadata.app_id": params["app_id"]} if params.get("app_id") else None
        memories = list(selectors.memory_list(tenant=request.tenant, filters=filters, **scope))
        services.memories_delete(tenant=request.tenant, memories=memories, actor=self.actor)
        return Response({"message": "Memories deleted successfully!"})


def _entities(tenant: Any) -> list[dict[str, Any]]:
    live = Memory.objects.filter(tenant=tenant, status=Memory.Status.ACTIVATED)
    out = []
    for kind, column in mem0.ENTITY_FIELDS.items():
        rows = (live.exclude(**{column: ""}).values(column)
                .annotate(n=Count("id"), first=Min("created_at"), last=Max("updated_at"))
                .order_by(column))  # fmt: skip
        out += [{"id": row[column], "name": row[column], "type": kind,
                 "total_memories": row["n"], "owner": tenant.slug, "organization": tenant.slug,
                 "metadata": {}, "created_at": mem0._iso(row["first"]),
                 "updated_at": mem0._iso(row["last"])} for row in rows]  # fmt: skip
    # users the graph knows and no memory names (edges from /v1/graph/*): deletable too
    provider = registry.relation_provider()
    named = {e["name"] for e in out if e["type"] == "user"}
    graph_users = provider.users(tenant=tenant) if provider else {}
    out += [{"id": user, "name": user, "type": "user", "total_memories": 0,
             "owner": tenant.slug, "organization": tenant.slug, "metadata": {},
             "created_at": mem0._iso(first), "updated_at": mem0._iso(last)}
            for user, (first, last) in sorted(graph_users.items())
            if user not in named]  # fmt: skip
    return out


class EntitiesView(Mem0View):
    read_only = True

    @extend_schema(operation_id="mem0_entities", tags=TAGS, responses={200: dict})
    def get(self, request: Request) -> Response:
        entities = _entities(request.tenant)
        return Response({"count": len(entities), "results": entities})


class EntityView(Mem0View):
    @extend_schema(operation_id="mem0_entity_delete", tags=TAGS, responses={200: dict},
                   parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH,
                                                enum=list(mem0.ENTITY_FIELDS))])  # fmt: skip
    def delete(self, request: Request, kind: str, name: str) -> Response:
        column = mem0.ENTITY_FIELDS.get(kind)
        if column is None:
            raise BadRequest(
                f"Unknown entity type {kind!r}; use user, agent or run.", code="invalid_parameter"
            )
        memories = list(selectors.memory_list(tenant=request.tenant, **{column: name}))
        provider = registry.relation_provider()
        with transaction.atomic():
            if memories:  # their edges are retracted by the graph's removal hook
                services.memories_delete(tenant=request.tenant, memories=memories,
                                         actor=self.actor)  # fmt: skip
            # and a user's other edges (extracted through /v1/graph/*, or with no memory left)
            forgotten = (provider.forget(tenant=request.tenant, user_id=name)
                         if kind == "user" and provider else 0)  # fmt: skip
            if not memories and not forgotten:
                raise NotFound(f"No {kind} named {name!r}.", code="entity_not_found")
        self.set_audit_target(kind, name)
        return Response({"message": "Entity deleted successfully!"})


class BatchView(Mem0View):
    delete_takes_body = True  # mem0's batch delete names the memories in its body

    @extend_schema(operation_id="mem0_batch_update", tags=TAGS, request=cs.Mem0BatchUpdateIn,
                   responses={200: dict})  # fmt: skip
    def put(self, request: Request) -> Response:
        items = body_of(request, cs.Mem0BatchUpdateIn)["memories"]
        with transaction.atomic():  # all or nothing: an id that is not a live memory is a 404
            for item in items:
                services.memory_update(
                    tenant=request.tenant, memory_id=str(item["memory_id"]), actor=self.actor,
                    value=item.get("text"), metadata=item.get("metadata"),
                )  # fmt: skip
        return Response({"message": f"Successfully updated {len(items)} memories"})

    @extend_schema(operation_id="mem0_batch_delete", tags=TAGS, request=cs.Mem0BatchDeleteIn,
                   responses={200: dict})  # fmt: skip
    def delete(self, request: Request) -> Response:
        items = body_of(request, cs.Mem0BatchDeleteIn)["memories"]
        memories = services.memories_get(
            tenant=request.tenant, memory_ids=[str(i["memory_id"]) for i in items]
        )
        services.memories_delete(tenant=request.tenant, memories=memories, actor=self.actor)
        return Response({"message": f"Successfully deleted {len(items)} memories"})


class ExportView(Mem0View):
    @extend_schema(
        operation_id="mem0_export_create", tags=TAGS, request=cs.Mem0ExportIn, responses={200: dict}
    )
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0ExportIn)
        query = _scoped_query(body)
        selectors.memory_list(tenant=request.tenant, **query).exists()  # validates the filters
        now = timezone.now()
        job = Job.objects.create(
            tenant=request.tenant, kind="mem0_export", status=Job.Status.DONE,
            params={"query": query, "schema": body.get("schema")}, finished_at=now,
        )  # fmt: skip
        return Response({"message": "Memory export request received.", "id": str(job.pk)})


class ExportGetView(Mem0View):
    read_only = True

    @extend_schema(
        operation_id="mem0_export_get", tags=TAGS, request=cs.Mem0ExportGetIn, responses={200: dict}
    )
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0ExportGetIn)
        jobs = Job.objects.filter(tenant=request.tenant, kind="mem0_export")
        export_id = body.get("memory_export_id") or body.get("id")
        if export_id:
            job = jobs.filter(pk=export_id).first()
        else:
            job = jobs.order_by("-created_at").first()
        if job is None:
            raise NotFound("No such export.", code="export_not_found")
        memories = selectors.memory_list(tenant=request.tenant, **job.params["query"])
        return Response({"id": str(job.pk), "schema": job.params.get("schema"),
                         "memories": [mem0.memory_out(m) for m in memories[:10000]]})  # fmt: skip


class FeedbackView(Mem0View):
    @extend_schema(
        operation_id="mem0_feedback", tags=TAGS, request=cs.Mem0FeedbackIn, responses={200: dict}
    )
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0FeedbackIn)
        feedback = body.get("feedback")
        memory = services.memory_get(tenant=request.tenant, memory_id=str(body["memory_id"]))
        self.set_audit_target("memory_feedback", memory.pk)
        return Response({"id": str(memory.pk), "feedback": feedback,
                         "feedback_reason": body.get("feedback_reason")})  # fmt: skip
