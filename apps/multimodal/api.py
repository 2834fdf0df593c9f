"""/v1/multimodal/*: store, text search, embedding search, recent, and an item's object."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.memories.serializers import HALF_MAX, HALF_ZERO
from apps.multimodal import parts, selectors, services
from apps.multimodal.models import MODALITIES
from apps.multimodal.selectors import Hit

TAGS = ["multimodal"]
ROLES = ["user", "assistant", "system", "tool"]


def vector_schema(dim: int) -> dict[str, Any]:
    return {
        "type": "array", "minItems": dim, "maxItems": dim,
        "items": {"type": "number", "minimum": -HALF_MAX, "maximum": HALF_MAX},
        "contains": {"anyOf": [{"exclusiveMinimum": HALF_ZERO}, {"exclusiveMaximum": -HALF_ZERO}]},
        "description": f"{dim} numbers, one at least not 0 in half precision",
    }  # fmt: skip


def _media_schema(kind: str) -> dict[str, Any]:
    limit = settings.MULTIMODAL_OBJECT_MAX_BYTES
    return {
        "type": "object", "required": ["type"],
        "anyOf": [{"required": [name]} for name in ("embedding", "caption", "url", "data")],
        "properties": {
            "type": {"type": "string", "enum": [kind]},
            "embedding": vector_schema(parts.modality_dim(kind)),
            "caption": {"type": "string", "maxLength": parts.MAX_CAPTION,
                        "pattern": f.NON_BLANK_PATTERN},
            "url": {"type": "string", "pattern": parts.URL_PATTERN,
                    "description": f"http(s), at most {parts.MAX_URL} characters, kept and never "
                    "fetched; or a data: URL, kept as an object"},
            "data": {"type": "string", "pattern": parts.BASE64_PATTERN,
                     "maxLength": (limit + 2) // 3 * 4,
                     "description": f"base64 payload of at most {limit} bytes, kept as an object"},
            "mime_type": {"type": "string", "pattern": parts.MIME_PATTERN},
        },
    }  # fmt: skip


class ContentsField(f.SchemaField):
    """Checked by apps.multimodal.parts, which answers each mistake with its own code."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def openapi(self, refs: f.SchemaRefs) -> dict[str, Any]:
        text = {"type": "object", "required": ["type", "text"], "properties": {
            "type": {"type": "string", "enum": ["text"]},
            "text": {"type": "string", "pattern": f.NON_BLANK_PATTERN,
                     "maxLength": settings.MEMORY_CONTENT_MAX_CHARS}}}  # fmt: skip
        return {"type": "array", "minItems": 1, "maxItems": parts.MAX_PARTS,
                "items": {"oneOf": [text, *(_media_schema(k) for k in MODALITIES)]},
                "description": "At most one image and one audio embedding per item."}  # fmt: skip


class EmbeddingField(f.SchemaField):
    def to_internal_value(self, data: Any) -> Any:
        return data  # checked against the modality's dimension by apps.multimodal.parts

    def openapi(self, refs: f.SchemaRefs) -> dict[str, Any]:
        dims = {parts.modality_dim(k) for k in MODALITIES}
        if len(dims) == 1:
            return vector_schema(dims.pop())
        return {"oneOf": [vector_schema(d) for d in sorted(dims)],
                "description": "of the modality's dimension"}  # fmt: skip


class ModalityField(f.SchemaField):
    def to_internal_value(self, data: Any) -> Any:
        return data  # unknown_modality from apps.multimodal.parts

    def openapi(self, refs: f.SchemaRefs) -> dict[str, Any]:
        return {"type": "string", "enum": list(MODALITIES), "default": "image"}


class StoreIn(f.InputSerializer):
    user_id = f.CharField(max_length=200)
    role = f.ChoiceField(choices=ROLES, default="user")
    contents = ContentsField()


class UserLimitIn(f.InputSerializer):
    user_id = f.CharField(max_length=200)
    limit = f.IntegerField(default=10, min_value=1, max_value=100)


class SearchIn(UserLimitIn):
    query = f.CharField(max_length=2000)


class EmbeddingSearchIn(UserLimitIn):
    embedding = EmbeddingField()
    modality = ModalityField(default="image")


def item_data(hit: Hit) -> dict[str, Any]:
    item = hit.item
    contents = []
    for index, part in enumerate(item.parts):
        part = dict(part)
        if "object" in part:
            href = f"/v1/multimodal/items/{item.pk}/objects/{index}"
            part["object"] = {**part["object"], "href": href}
        contents.append(part)
    data = {"id": str(item.pk), "user_id": item.user_id, "role": item.role,
            "contents": contents, "created_at": item.created_at.isoformat()}  # fmt: skip
    if item.message_id is not None:
        data["message_id"] = item.message_id
    if hit.score is not None:
        data["score"] = round(hit.score, 6)
    return data


def _page(hits: list[Hit]) -> Response:
    return Response({"status": "ok", "count": len(hits), "results": [item_data(h) for h in hits]})


class MultimodalView(TenantAPIView):
    required_scope = "multimodal"
    audit_target_type = "multimodal_item"


class StoreView(MultimodalView):
    @extend_schema(operation_id="multimodal_store", request=StoreIn, responses={200: dict},
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = StoreIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = services.item_store(tenant=request.tenant, user_id=v["user_id"], role=v["role"],
                                   parts=parts.contents_parse(v["contents"]))  # fmt: skip
        self.set_audit_target("multimodal_item", item.pk)
        return Response({"status": "ok", "id": str(item.pk), "item": item_data(Hit(item))})


class SearchView(MultimodalView):
    read_only = True

    @extend_schema(operation_id="multimodal_search", request=SearchIn, responses={200: dict},
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = SearchIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return _page(selectors.item_search_text(tenant=request.tenant, user_id=v["user_id"],
                                                query=v["query"], limit=v["limit"]))  # fmt: skip


class EmbeddingSearchView(MultimodalView):
    read_only = True

    @extend_schema(operation_id="multimodal_search_embedding", request=EmbeddingSearchIn,
                   responses={200: dict}, tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = EmbeddingSearchIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        modality = parts.modality_check(v["modality"])
        vector = parts.vector_check(v["embedding"], modality=modality)
        return _page(selectors.item_search_embedding(
            tenant=request.tenant, user_id=v["user_id"], modality=modality, vector=vector,
            limit=v["limit"],
        ))  # fmt: skip


class RecentView(MultimodalView):
    read_only = True

    @extend_schema(operation_id="multimodal_recent", request=UserLimitIn, responses={200: dict},
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = UserLimitIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return _page(selectors.item_recent(tenant=request.tenant, user_id=v["user_id"],
                                           limit=v["limit"]))  # fmt: skip


class ObjectView(MultimodalView):
    @extend_schema(operation_id="multimodal_object", tags=TAGS,
                   responses={200: OpenApiResponse(description="The object's bytes")})  # fmt: skip
    def get(self, request: Request, item_id: Any, part: int) -> HttpResponse:
        obj = selectors.object_get(tenant=request.tenant, item_id=str(item_id), part=part)
        # Always a download, never rendered by the browser in our origin (an SVG or HTML
        # payload would otherwise run as a page of the API's origin).
        response = HttpResponse(bytes(obj.data), content_type=obj.content_type)
        response["Content-Disposition"] = f'attachment; filename="{obj.sha256[:16]}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["ETag"] = f'"{obj.sha256}"'
        return response
