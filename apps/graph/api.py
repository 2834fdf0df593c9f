"""/v1/graph/*: extraction (rules, the LLM prompt and the parse of its answer), queries, paths,
triples, statistics, merges and their undo, an entity's history. The memoryos-rust reference's
shapes, plus ids, labels and validity on every triple."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.graph import merges, selectors, services
from apps.memories import registry

TAGS = ["graph"]
MAX_OFFSET = 10**9


class GraphView(TenantAPIView):
    required_scope = "graph"
    audit_target_type = "graph"


class GraphTextIn(f.InputSerializer):
    text = f.CharField(max_length=20000)
    user_id = f.CharField(max_length=200, required=False, default="", allow_blank=True)


class GraphResponseIn(f.InputSerializer):
    response = f.CharField(max_length=50000, help_text="`Entity: Alice (Person)` and "
                           "`Relation: Alice works_at Google` lines")  # fmt: skip
    user_id = f.CharField(max_length=200, required=False, default="", allow_blank=True)


class GraphQueryIn(f.InputSerializer):
    query = f.CharField(max_length=200)
    user_id = f.CharField(max_length=200, required=False)


class GraphPathIn(f.InputSerializer):
    source = f.CharField(max_length=200)
    to = f.CharField(max_length=200)
    max_depth = f.IntegerField(min_value=1, max_value=settings.GRAPH_PATH_MAX_DEPTH, default=3)
    direction = f.ChoiceField(choices=["out", "both"], default="out", required=False)
    user_id = f.CharField(max_length=200, required=False)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = fields.pop("source")  # `from` is a Python keyword
        return fields


class GraphTriplesIn(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)
    # bounded, so that a page past the end is an empty page and never an out-of-range OFFSET
    offset = serializers.IntegerField(min_value=0, max_value=MAX_OFFSET, default=0)
    user_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    include_history = serializers.BooleanField(default=False)


class GraphStatsIn(serializers.Serializer):
    user_id = serializers.CharField(max_length=200, required=False, allow_blank=True)


class GraphMergeIn(f.InputSerializer):
    entity_id = f.IntegerField(min_value=1, help_text="the entity that becomes an alias")
    into_id = f.IntegerField(min_value=1, help_text="the entity that stays")


class GraphTripleOut(serializers.Serializer):
    subject = serializers.CharField()
    predicate = serializers.CharField()
    object = serializers.CharField()
    relation_id = serializers.IntegerField()
    subject_label = serializers.CharField()
    object_label = serializers.CharField()
    confidence = serializers.FloatField()
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField(allow_null=True)
    invalidated_at = serializers.DateTimeField(allow_null=True)
    user_id = serializers.CharField()


class GraphEntityOut(serializers.Serializer):
    id = serializers.CharField(help_text="the normalised name (the reference's id)")
    label = serializers.CharField()
    entity_type = serializers.CharField()
    entity_id = serializers.IntegerField()
    aliases = serializers.ListField(child=serializers.CharField())
    user_id = serializers.CharField()


class GraphStoredOut(serializers.Serializer):
    entities_added = serializers.IntegerField()
    triples = GraphTripleOut(many=True)


class GraphExtractOut(GraphStoredOut):
    extractor = serializers.CharField(help_text="rules, or llm (GRAPH_LLM_EXTRACT)")


class GraphParseOut(GraphStoredOut):
    """No `extractor`: the triples are the given answer's."""

    total_entities = serializers.IntegerField()
    total_relations = serializers.IntegerField()


class GraphPromptOut(serializers.Serializer):
    prompt = serializers.CharField()


class GraphQueryOut(serializers.Serializer):
    entities = GraphEntityOut(many=True)
    triples = GraphTripleOut(many=True)


class GraphPathOut(serializers.Serializer):
    paths = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    count = serializers.IntegerField()


class GraphTriplesOut(serializers.Serializer):
    triples = GraphTripleOut(many=True)
    count = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()


class GraphStatsOut(serializers.Serializer):
    entity_count = serializers.IntegerField()
    relation_count = serializers.IntegerField(help_text="current edges")
    closed_relation_count = serializers.IntegerField()
    retracted_relation_count = serializers.IntegerField()
    merge_count = serializers.IntegerField()
    predicates = serializers.DictField(child=serializers.IntegerField())
    entity_types = serializers.DictField(child=serializers.IntegerField())


class GraphMergeOut(serializers.Serializer):
    merge_id = serializers.IntegerField()
    entity_id = serializers.IntegerField()
    into_id = serializers.IntegerField()
    aliases_moved = serializers.ListField(child=serializers.CharField())
    relations_repointed = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    undone_at = serializers.DateTimeField(allow_null=True)


class GraphHistoryTripleOut(GraphTripleOut):
    current = serializers.BooleanField()


class GraphHistoryEntityOut(GraphEntityOut):
    merged_into = serializers.IntegerField(allow_null=True)


class GraphHistoryOut(serializers.Serializer):
    entity = GraphHistoryEntityOut()
    history = GraphHistoryTripleOut(many=True)
    merges = GraphMergeOut(many=True)


def _valid(serializer_class: type[serializers.Serializer], data: object) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _stored(result: services.StoreResult) -> dict:
    return {
        "entities_added": result.entities_added,
        "triples": [selectors.triple_out(r) for r in result.relations],
    }


def _gate(request: Request, user_id: str) -> None:
    if user_id:  # storing for an end user: consent and suppression decide first
        registry.processing_check(tenant=request.tenant, user_id=user_id, activity="store")


class ExtractView(GraphView):
    @extend_schema(operation_id="graph_extract", request=GraphTextIn, tags=TAGS,
                   responses={200: GraphExtractOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(GraphTextIn, request.data)
        _gate(request, data["user_id"])
        result = services.graph_extract(
            tenant=request.tenant, user_id=data["user_id"], text=data["text"]
        )
        return Response({**_stored(result), "extractor": result.extractor})


class PromptView(GraphView):
    read_only = True

    @extend_schema(operation_id="graph_extract_llm_prompt", request=GraphTextIn, tags=TAGS,
                   responses={200: GraphPromptOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(GraphTextIn, request.data)
        return Response({"prompt": services.llm_prompt(text=data["text"])})


class ParseView(GraphView):
    @extend_schema(operation_id="graph_extract_llm_parse", request=GraphResponseIn, tags=TAGS,
                   responses={200: GraphParseOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(GraphResponseIn, request.data)
        _gate(request, data["user_id"])
        result = services.graph_llm_parse(
            tenant=request.tenant, user_id=data["user_id"], response=data["response"]
        )
        stats = selectors.graph_stats(tenant=request.tenant)
        return Response({**_stored(result), "total_entities": stats["entity_count"],
                         "total_relations": stats["relation_count"]})  # fmt: skip


class QueryView(GraphView):
    read_only = True

    @extend_schema(operation_id="graph_query", request=GraphQueryIn, tags=TAGS,
                   responses={200: GraphQueryOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(GraphQueryIn, request.data)
        return Response(selectors.graph_query(tenant=request.tenant, query=data["query"],
                                              user_id=data.get("user_id")))  # fmt: skip


class PathView(GraphView):
    read_only = True

    @extend_schema(operation_id="graph_path", request=GraphPathIn, tags=TAGS,
                   responses={200: GraphPathOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(GraphPathIn, request.data)
        found = selectors.graph_path_find(
            tenant=request.tenant,
            source=data["from"],
            target=data["to"],
            max_depth=data["max_depth"],
            user_id=data.get("user_id"),
            both_directions=data["direction"] == "both",
        )
        return Response(found)


class TriplesView(GraphView):
    @extend_schema(operation_id="graph_triples", parameters=[GraphTriplesIn], tags=TAGS,
                   responses={200: GraphTriplesOut})  # fmt: skip
    def get(self, request: Request) -> Response:
        data = _valid(GraphTriplesIn, request.query_params)
        return Response(selectors.graph_triples(tenant=request.tenant, **data))


class StatsView(GraphView):
    @extend_schema(operation_id="graph_stats", parameters=[GraphStatsIn], tags=TAGS,
                   responses={200: GraphStatsOut})  # fmt: skip
    def get(self, request: Request) -> Response:
        data = _valid(GraphStatsIn, request.query_params)
        return Response(selectors.graph_stats(tenant=request.tenant, **data))


class MergeView(GraphView):
    @extend_schema(operation_id="graph_entity_merge", request=GraphMergeIn, tags=TAGS,
                   responses={200: GraphMergeOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(GraphMergeIn, request.data)
        merge = merges.entity_merge(tenant=request.tenant, entity_id=data["entity_id"],
                                      into_id=data["into_id"], actor=self.actor)  # fmt: skip
        self.set_audit_target("entity", merge.entity_id)
        return Response(selectors.merge_out(merge))


class UndoView(GraphView):
    @extend_schema(operation_id="graph_merge_undo", request=None, tags=TAGS,
                   responses={200: GraphMergeOut})  # fmt: skip
    def post(self, request: Request, merge_id: int) -> Response:
        merge = merges.merge_undo(tenant=request.tenant, merge_id=merge_id)
        return Response(selectors.merge_out(merge))


class HistoryView(GraphView):
    @extend_schema(operation_id="graph_entity_history", tags=TAGS, responses={200: GraphHistoryOut})
    def get(self, request: Request, entity_id: int) -> Response:
        return Response(selectors.entity_history(tenant=request.tenant, entity_id=entity_id))
