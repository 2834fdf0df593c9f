"""The paths of mem0's open-source REST server (`server/main.py` of github:mem0ai/mem0: `POST
/memories`, `GET /memories`, `/search`, `/reset`, `/configure`, ...) with its request and
response shapes (mem0's OSS `Memory` results), served by our services behind our keys and
tenancy. The key goes in `Authorization` as everywhere, or in mem0's `X-API-Key` header.

Errors: our envelope, plus mem0's (FastAPI's) `detail` at the top: the message where mem0
raises an `HTTPException`, the list of `{type, loc, msg}` where FastAPI would answer a 422 (the
status stays our 400). `run_id` is our `conversation_id`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as drf
from rest_framework.request import Request
from rest_framework.response import Response

from apps.compat import mem0
from apps.compat import mem0_admin as admin
from apps.compat.params import body_of, floor_add, json_object, parse_id
from apps.compat.serializers import mem0_server as cs
from apps.core.api import TenantAPIView
from apps.core.auth import ApiKeyAuthentication, key_of
from apps.core.errors import BadRequest, Forbidden, NotFound
from apps.memories import selectors, services
from apps.memories.models import Memory, MemoryVersion
from apps.memories.services.turns import add_event
from apps.tenants.models import ApiKey

TAGS = ["mem0 server compatibility"]
NO_ID = "At least one identifier (user_id, agent_id, run_id) is required."
NO_FILTER = ("filters must contain at least one of: user_id, agent_id, run_id. "
             "Example: filters={'user_id': 'u1'}")  # fmt: skip
GET_ALL_DEFAULT = 20  # mem0's `Memory.get_all` default `top_k`


class XApiKeyAuthentication(ApiKeyAuthentication):
    """mem0's server takes its key as `X-API-Key`; `Authorization` wins when both are sent."""

    def authenticate(self, request: Request) -> tuple[ApiKey, ApiKey] | None:
        raw = request.META.get("HTTP_X_API_KEY", "").strip()
        if request.META.get("HTTP_AUTHORIZATION") or not raw:
            return super().authenticate(request)
        return key_of(request, raw)


class XApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.compat.mem0_server.XApiKeyAuthentication"
    name = "XApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {"type": "apiKey", "in": "header", "name": "X-API-Key",
                "description": "An API key `mpk_...`, as mem0's server takes it (or as "
                "`Authorization: Bearer <key>`, which wins when both are sent)."}  # fmt: skip


def _flatten(detail: Any, loc: list[Any]) -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        return [item for k, v in detail.items() for item in _flatten(v, [*loc, k])]
    if isinstance(detail, list) and all(isinstance(d, str) for d in detail):
        return [{"type": getattr(d, "code", "value_error"), "loc": loc, "msg": str(d)}
                for d in detail]  # fmt: skip
    if isinstance(detail, list):
        return [item for i, v in enumerate(detail) for item in _flatten(v, [*loc, i])]
    return [{"type": getattr(detail, "code", "value_error"), "loc": loc, "msg": str(detail)}]


class Mem0ServerView(TenantAPIView):
    required_scope = "memory"
    audit_target_type = "memory"
    authentication_classes = [XApiKeyAuthentication]

    def handle_exception(self, exc: Exception) -> Response:
        if not hasattr(self.request, "_auth"):  # the key was refused: no second try (audit)
            self.request.user, self.request.auth = None, None
        response = super().handle_exception(exc)
        error = response.data.get("error") if isinstance(response.data, dict) else None
        if isinstance(error, dict):
            where = "query" if self.request.method in ("GET", "DELETE") else "body"
            validation = isinstance(exc, drf.ValidationError)
            response.data["detail"] = (_flatten(exc.detail, [where]) if validation
                                       else error.get("message"))  # fmt: skip
        return response


def _iso(moment: Any) -> str | None:
    return mem0._iso(moment)


def item_out(memory: Memory, *, score: float | None = None, scored: bool = True) -> dict[str, Any]:
    """mem0 OSS's `MemoryItem` (id, memory, hash, metadata, score, created_at, updated_at) with
    the entity ids it promotes (present only when set)."""
    body = mem0.memory_out(memory)
    out: dict[str, Any] = {k: body[k] for k in ("id", "memory", "hash", "metadata")}
    if scored:
        out["score"] = score
    out |= {"created_at": body["created_at"], "updated_at": body["updated_at"]}
    out |= {k: body[k] for k in ("user_id", "agent_id", "run_id") if body[k]}
    return out


def history_out(version: MemoryVersion, memory: Memory) -> dict[str, Any]:
    """A row of mem0 OSS's history table."""
    return {
        "id": str(version.pk), "memory_id": str(memory.pk), "old_memory": version.old_value,
        "new_memory": version.new_value, "event": version.event,
        "created_at": _iso(version.created_at), "updated_at": _iso(version.created_at),
        "is_deleted": version.event == "DELETE", "actor_id": None, "role": None,
    }  # fmt: skip


def _memory(request: Request, memory_id: str) -> Memory:
    try:
        memory_id = parse_id(memory_id, "memory_id")
    except BadRequest:  # mem0 ids are any string: one that is not ours names no memory
        raise NotFound("Memory not found.", code="memory_not_found") from None
    return services.memory_get(tenant=request.tenant, memory_id=memory_id)


def _query(request: Request) -> dict[str, Any]:
    query = cs.Mem0ServerListQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _refuse_unsupported(body: dict[str, Any], names: tuple[str, ...]) -> None:
    given = [n for n in names if body.get(n) is not None]
    if given:
        raise BadRequest(f"Not supported here: {', '.join(given)} (send null or leave out).",
                         code="unsupported_field")  # fmt: skip


def _add_results(request: Request, result: services.AddResult, *, infer: bool) -> list[dict]:
    """mem0 OSS's add results: with `infer` off each message stored (our turns, ADD or NOOP for
    a repeat); with it on what extraction did to the memories (ADD, UPDATE with
    `previous_memory`, DELETE), not the raw turns, as mem0 answers."""
    if not infer:
        return [{"id": str(m.pk), "memory": m.value, "event": add_event(m, result.message_ids)}
                for m in result.memories]  # fmt: skip
    out = []
    for decision in result.batch.decisions or []:
        memory_id, event = decision.get("memory_id"), decision.get("event")
        if not memory_id or event not in {"ADD", "UPDATE", "DELETE"}:
            continue
        item = {"id": memory_id, "memory": decision.get("value") or "", "event": event}
        if event == "UPDATE":
            version = (MemoryVersion.objects.filter(tenant=request.tenant, memory_id=memory_id)
                       .order_by("-version").first())  # fmt: skip
            item["previous_memory"] = version.old_value if version else None
        out.append(item)
    return out


class MemoriesView(Mem0ServerView):
    @extend_schema(operation_id="mem0_server_add", tags=TAGS, request=cs.Mem0ServerAddIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0ServerAddIn)
        ids = cs.entity_ids(body)
        if not ids:
            raise BadRequest(NO_ID, code="missing_identifier")
        _refuse_unsupported(body, ("expiration_date", "memory_type", "prompt"))
        infer = body.get("infer") is not False
        result = floor_add(request, {
            "messages": body["messages"], "user_id": ids.get("user_id", ""),
            "agent_id": ids.get("agent_id", ""), "conversation_id": ids.get("conversation_id", ""),
            "metadata": body.get("metadata") or {}, "infer": infer, "async_mode": "sync",
        }, actor=self.actor)  # fmt: skip
        self.set_audit_target("add_batch", result.batch.pk)
        return Response({"results": _add_results(request, result, infer=infer)})

    @extend_schema(operation_id="mem0_server_get_all", tags=TAGS, parameters=[
        cs.Mem0ServerListQuery], responses={200: dict})  # fmt: skip
    def get(self, request: Request) -> Response:
        query = _query(request)
        ids = cs.entity_ids(query)
        if not ids and not request.auth.has_scope("admin"):
            raise Forbidden("Admin role required to list all memories.", code="admin_required")
        limit = query.get("top_k")
        if limit is None:
            limit = GET_ALL_DEFAULT if ids else cs.ALL_MEMORIES_LIMIT
        rows = selectors.memory_list(tenant=request.tenant, view="distilled", **ids)
        rows = rows.defer("embedding", "search_vector")[:limit]
        return Response({"results": [item_out(m, scored=False) for m in rows]})

    @extend_schema(operation_id="mem0_server_delete_all", tags=TAGS, parameters=[
        cs.Mem0ServerListQuery], responses={200: dict})  # fmt: skip
    def delete(self, request: Request) -> Response:
        ids = cs.entity_ids(_query(request))
        if not request.auth.has_scope("admin"):  # mem0: `require_admin`
            raise Forbidden("This key lacks the 'admin' scope.", code="missing_scope")
        if not ids:
            raise BadRequest("At least one identifier is required.", code="missing_identifier")
        memories = list(selectors.memory_list(tenant=request.tenant, **ids))
        services.memories_delete(tenant=request.tenant, memories=memories, actor=self.actor)
        return Response({"message": "All relevant memories deleted"})


class MemoryView(Mem0ServerView):
    @extend_schema(operation_id="mem0_server_get", tags=TAGS, responses={200: dict})
    def get(self, request: Request, memory_id: str) -> Response:
        return Response(item_out(_memory(request, memory_id)))

    @extend_schema(operation_id="mem0_server_update", tags=TAGS, request=cs.Mem0ServerUpdateIn,
                   responses={200: dict})  # fmt: skip
    def put(self, request: Request, memory_id: str) -> Response:
        body = body_of(request, cs.Mem0ServerUpdateIn)
        memory = _memory(request, memory_id)
        if body.get("text") is None and body.get("metadata") is None:
            if "expiration_date" not in body:
                raise BadRequest(
                    "At least one of text, metadata, or expiration_date must be provided.",
                    code="nothing_to_update",
                )
        _refuse_unsupported(body, ("expiration_date",))
        if body.get("text") is not None or body.get("metadata") is not None:
            services.memory_update(
                tenant=request.tenant, memory_id=str(memory.pk), actor=self.actor,
                value=body.get("text"), metadata=body.get("metadata"),
            )  # fmt: skip
        self.set_audit_target("memory", memory.pk)
        return Response({"message": "Memory updated successfully!"})

    @extend_schema(operation_id="mem0_server_delete", tags=TAGS, responses={200: dict})
    def delete(self, request: Request, memory_id: str) -> Response:
        memory = _memory(request, memory_id)
        services.memory_delete(tenant=request.tenant, memory_id=str(memory.pk), actor=self.actor)
        self.set_audit_target("memory", memory.pk)
        return Response({"message": "Memory deleted successfully"})


class MemoryHistoryView(Mem0ServerView):
    @extend_schema(operation_id="mem0_server_history", tags=TAGS, responses={200: dict})
    def get(self, request: Request, memory_id: str) -> Response:
        memory = _memory(request, memory_id)
        versions = selectors.memory_history(tenant=request.tenant, memory=memory)
        return Response([history_out(v, memory) for v in versions])


class SearchView(Mem0ServerView):
    read_only = True

    @extend_schema(operation_id="mem0_server_search", tags=TAGS, request=cs.Mem0ServerSearchIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        body = body_of(request, cs.Mem0ServerSearchIn)
        scope, rest = mem0.split_filters(
            body.get("filters"), user_id=body.get("user_id"), agent_id=body.get("agent_id"),
            conversation_id=body.get("run_id"),
        )  # fmt: skip
        if not scope:
            raise BadRequest(NO_FILTER, code="missing_identifier")
        hits = selectors.memory_search(
            tenant=request.tenant,
            q=selectors.SearchQuery(
                query=body["query"], limit=body.get("top_k") or body.get("limit") or 20,
                threshold=body.get("threshold"), filters=rest, user_id=scope.get("user_id"),
                agent_id=scope.get("agent_id"), conversation_id=scope.get("conversation_id"),
            ),
        )  # fmt: skip
        return Response({"results": [item_out(h.memory, score=h.score) for h in hits]})


class ResetView(Mem0ServerView):
    required_scope = "admin"

    @extend_schema(operation_id="mem0_server_reset", tags=TAGS, request=None,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        counts = admin.tenant_memories_reset(tenant=request.tenant)
        self.set_audit_target("tenant_reset", counts.get("memories", 0))
        return Response({"message": "All memories reset"})


class ConfigureView(Mem0ServerView):
    @property
    def required_scope(self) -> str:  # type: ignore[override]
        # reading is mem0's `verify_auth`, setting its `require_admin`
        return "memory" if self.request.method == "GET" else "admin"

    @extend_schema(operation_id="mem0_server_config_get", tags=TAGS, responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response(admin.config_current(tenant=request.tenant))

    @extend_schema(operation_id="mem0_server_configure", tags=TAGS, request=cs.Mem0ServerConfigIn,
                   responses={200: dict})  # fmt: skip
    def post(self, request: Request) -> Response:
        if not int(request.META.get("CONTENT_LENGTH") or 0):  # mem0's server requires its config
            raise BadRequest("The body must be mem0's config, a JSON object.", code="invalid_body")
        changes = admin.config_apply(tenant=request.tenant, config=json_object(request))
        self.set_audit_target("tenant_settings", ",".join(sorted(changes)) or "none")
        return Response({"message": "Configuration set successfully"})
