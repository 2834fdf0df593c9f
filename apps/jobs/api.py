from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import TenantAPIView
from apps.jobs import selectors


class JobOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.FloatField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class JobListOutSerializer(serializers.Serializer):
    results = JobOutSerializer(many=True)


# No `required_scope`: each kind of job names the scope that reads it (apps.jobs.kinds).
class JobListView(TenantAPIView):
    @extend_schema(operation_id="jobs_list", responses=JobListOutSerializer, tags=["jobs"])
    def get(self, request: Request) -> Response:
        jobs = selectors.job_list(tenant=request.tenant, key=request.auth)[:100]
        return Response({"results": JobOutSerializer(jobs, many=True).data})


class JobDetailView(TenantAPIView):
    @extend_schema(operation_id="jobs_get", responses=JobOutSerializer, tags=["jobs"])
    def get(self, request: Request, job_id: str) -> Response:
        job = selectors.job_get(tenant=request.tenant, key=request.auth, job_id=job_id)
        return Response(JobOutSerializer(job).data)
