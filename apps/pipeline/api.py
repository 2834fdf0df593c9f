"""/v1/admin/faq/*: FAQ candidates, promotion, classification, demotion, history and stats, in
the memoryos-rust reference's shapes. `X-Tenant-ID` picks the tenant for platform admins."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.core.errors import AppError, ExternalServiceError
from apps.pipeline import faq
from apps.pipeline.models import FaqEvent

TAGS = ["faq"]


class FaqView(TenantAPIView):
    required_scope = "faq"
    audit_target_type = "faq"


class FaqEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    memory_id = serializers.UUIDField()
    question = serializers.CharField()
    from_type = serializers.CharField(help_text="qa, faq_candidate or faq")
    to_type = serializers.CharField()
    reason = serializers.CharField()
    category = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    actor = serializers.CharField()
    created_at = serializers.DateTimeField()


class FaqChangeOut(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    record = FaqEventOut()


class CandidateOut(serializers.Serializer):
    id = serializers.UUIDField()
    user_id = serializers.CharField()
    summary = serializers.CharField(help_text="the question")
    memory = serializers.CharField()
    access_count = serializers.IntegerField()
    mentions = serializers.IntegerField()
    heat_score = serializers.FloatField()
    memory_type = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_accessed = serializers.DateTimeField(allow_null=True)


class CandidatesOut(serializers.Serializer):
    total = serializers.IntegerField()
    candidates = CandidateOut(many=True)


class HistoryOut(serializers.Serializer):
    history = FaqEventOut(many=True, help_text="newest first, at most 500")
    total = serializers.IntegerField()


class TopQaOut(serializers.Serializer):
    id = serializers.UUIDField()
    question = serializers.CharField()
    kind = serializers.CharField()
    heat = serializers.IntegerField()


class StatsOut(serializers.Serializer):
    qa = serializers.IntegerField()
    candidates = serializers.IntegerField()
    faqs = serializers.IntegerField()
    promotions = serializers.IntegerField()
    demotions = serializers.IntegerField()
    top = TopQaOut(many=True)


class ClassifyOut(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["parsed", "prompt", "llm"],
        help_text="parsed: your response_text read; prompt: no LLM here, send `prompt` to yours; "
        "llm: classified by the platform's LLM",
    )
    category = serializers.CharField(required=False)
    confidence = serializers.FloatField(
        required=False, allow_null=True, help_text="null when the reply has none from 0 to 1"
    )
    prompt = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


def _event_data(event: FaqEvent) -> dict:
    return {"id": event.pk, "memory_id": str(event.memory_id), "question": event.question,
            "from_type": event.from_kind, "to_type": event.to_kind, "reason": event.reason,
            "category": event.category, "confidence": event.confidence, "actor": event.actor,
            "created_at": event.created_at.isoformat()}  # fmt: skip


class CandidatesView(FaqView):
    @extend_schema(operation_id="faq_candidates", tags=TAGS, responses={200: CandidatesOut})
    def get(self, request: Request) -> Response:
        rows = faq.faq_candidates(tenant=request.tenant)
        candidates = [
            {"id": str(m.pk), "user_id": m.user_id, "summary": m.key, "memory": m.value,
             "access_count": m.access_count, "mentions": m.mentions,
             "heat_score": float(faq.qa_heat(m)), "memory_type": "faq_candidate",
             "created_at": m.created_at.isoformat(),
             "last_accessed": m.last_accessed_at.isoformat() if m.last_accessed_at else None}
            for m in rows
        ]  # fmt: skip
        return Response({"total": len(candidates), "candidates": candidates})


class PromoteIn(f.InputSerializer):
    memory_id = f.UUIDField()
    reason = f.CharField(max_length=500, required=False, default="", allow_blank=True)


class PromoteView(FaqView):
    @extend_schema(operation_id="faq_promote", request=PromoteIn, tags=TAGS,
                   responses={200: FaqChangeOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = PromoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        memory_id = str(data.validated_data["memory_id"])
        event = faq.faq_promote(
            tenant=request.tenant,
            memory_id=memory_id,
            reason=data.validated_data["reason"],
            actor=self.actor,
        )
        self.set_audit_target("memory", memory_id)
        return Response({"success": True, "message": f"Memory {memory_id} promoted to FAQ",
                         "record": _event_data(event)})  # fmt: skip


class ClassifyIn(f.InputSerializer):
    question = f.CharField(max_length=4000)
    answer = f.CharField(max_length=20000, required=False, default="", allow_blank=True)
    response_text = f.CharField(
        max_length=4000,
        required=False,
        validators=[RegexValidator(faq.CATEGORY_LINE, "has no 'category:' line")],
        help_text="Your model's reply to `prompt`: a `category:` line, and a `confidence:` line "
        "from 0 to 1.",
    )


class ClassifyView(FaqView):
    read_only = True

    @extend_schema(operation_id="faq_classify", request=ClassifyIn, tags=TAGS,
                   responses={200: ClassifyOut})  # fmt: skip
    def post(self, request: Request) -> Response:
        data = ClassifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        prompt = faq.classify_prompt(v["question"], v["answer"])
        if "response_text" in v:
            return Response({"mode": "parsed", **faq.classify_parse(v["response_text"])})
        if not settings.LLM_API_BASE:
            return Response({"mode": "prompt", "prompt": prompt,
                             "message": "No LLM configured: send this prompt to your model and "
                                        "post its reply back as response_text."})  # fmt: skip
        from apps.pipeline.llm import LlmError, chat

        try:
            reply = chat([{"role": "user", "content": prompt}], max_tokens=50)
        except LlmError as exc:
            raise ExternalServiceError(f"The LLM failed: {exc}", code="llm_failed") from exc
        try:
            return Response({"mode": "llm", **faq.classify_parse(reply)})
        except AppError as exc:  # the platform's LLM answered off the format: its failure
            message = f"The LLM's reply: {exc.message}"
            raise ExternalServiceError(message, code="llm_failed") from exc


class DemoteView(FaqView):
    @extend_schema(operation_id="faq_demote", tags=TAGS, responses={200: FaqChangeOut})
    def delete(self, request: Request, memory_id: str) -> Response:
        event = faq.faq_demote(tenant=request.tenant, memory_id=str(memory_id),
                               actor=self.actor)  # fmt: skip
        self.set_audit_target("memory", memory_id)
        return Response({"success": True, "message": f"FAQ {memory_id} demoted to QA",
                         "record": _event_data(event)})  # fmt: skip


class HistoryView(FaqView):
    @extend_schema(operation_id="faq_history", tags=TAGS, responses={200: HistoryOut})
    def get(self, request: Request) -> Response:
        events, total = faq.faq_history(tenant=request.tenant)
        return Response({"history": [_event_data(e) for e in events], "total": total})


class StatsView(FaqView):
    @extend_schema(operation_id="faq_stats", tags=TAGS, responses={200: StatsOut})
    def get(self, request: Request) -> Response:
        return Response(faq.faq_stats(tenant=request.tenant))
