"""POST /v1/wiki/parse: the reference's IR figures for a local repository (no pages written)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.wiki.parsing.services import repository_parse


class ParseIn(f.InputSerializer):
    repo_path = f.CharField(
        max_length=4096,
        validators=[RegexValidator(r"^/", "repo_path must be an absolute path.")],
        help_text="an absolute directory under one of WIKI_ALLOWED_ROOTS",
    )


class ParseOut(serializers.Serializer):
    files = serializers.IntegerField(help_text="source files parsed")
    symbols = serializers.IntegerField()
    references = serializers.IntegerField(help_text="imports and calls")
    endpoints = serializers.IntegerField(help_text="HTTP routes found")
    diagnostics = serializers.IntegerField(help_text="parse errors, unreadable manifests")
    manifests = serializers.IntegerField()
    repo_path = serializers.CharField(help_text="the resolved directory")
    languages = serializers.DictField(child=serializers.IntegerField(), help_text="files each")
    skipped = serializers.DictField(child=serializers.IntegerField(),
                                    help_text="files left out, by reason")  # fmt: skip
    truncated = serializers.BooleanField(help_text="WIKI_MAX_FILES cut the walk")
    max_files = serializers.IntegerField()
    seconds = serializers.FloatField()


class ParseView(TenantAPIView):
    required_scope = "wiki"
    read_only = True  # reads a tree and stores nothing

    @extend_schema(operation_id="wiki_parse", request=ParseIn, responses={200: ParseOut},
                   tags=["wiki"])  # fmt: skip
    def post(self, request: Request) -> Response:
        serializer = ParseIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response(repository_parse(repo_path=data["repo_path"]))
