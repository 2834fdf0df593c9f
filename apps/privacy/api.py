"""/v1/security/gdpr/*: export, erasure, request status and download, suppression lift
(`security` scope). Paths and answer shapes follow the memoryos-rust reference."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.core.schema import ErrorEnvelopeSerializer
from apps.privacy import export, selectors, services


class UserIdField(f.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_length=200, **kwargs)


class GdprExportInSerializer(f.InputSerializer):
    user_id = UserIdField()
    async_ = f.BooleanField(required=False, default=False, help_text="Build a zip as a job.")

    def get_fields(self) -> dict:
        """The field is `async` in JSON (the reference's name), a keyword in Python."""
        fields = super().get_fields()
        fields["async"] = fields.pop("async_")
        return fields


class GdprEraseInSerializer(f.InputSerializer):
    user_id = UserIdField()
    dry_run = f.BooleanField(required=False, default=False)
    suppress = f.BooleanField(
        required=False, default=False, help_text="Refuse later adds for this user until lifted."
    )


# --- answers (for the OpenAPI schema; the views build plain dicts) -------------------------------


class GdprReceiptOut(serializers.Serializer):
    version = serializers.IntegerField()
    id = serializers.UUIDField()
    kind = serializers.CharField()
    tenant = serializers.CharField()
    subject = serializers.CharField(help_text="HMAC of tenant and user id; never the id itself")
    dry_run = serializers.BooleanField()
    status = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="per collection")
    errors = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    hash = serializers.CharField(help_text="SHA-256 of the receipt's canonical JSON without it")


class GdprEraseOut(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "partial"])
    message = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField(), required=False)
    request_id = serializers.UUIDField()
    status_url = serializers.CharField()
    receipt = GdprReceiptOut()


class GdprExportOut(serializers.Serializer):
    status = serializers.CharField()
    export = serializers.DictField(child=serializers.ListField(child=serializers.DictField()))


class GdprJobOut(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.FloatField()


class GdprRequestOut(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=["export", "erasure"])
    status = serializers.CharField()
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    errors = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.CharField()
    receipt = GdprReceiptOut(required=False, help_text="erasures")
    user_id = serializers.CharField(required=False, help_text="exports")
    job = GdprJobOut(required=False, allow_null=True, help_text="exports")
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    file_sha256 = serializers.CharField(required=False, allow_null=True)
    download_url = serializers.CharField(required=False, allow_null=True)


class GdprExportAcceptedOut(serializers.Serializer):
    status = serializers.CharField()
    request_id = serializers.UUIDField()
    job_id = serializers.UUIDField()
    status_url = serializers.CharField()
    request = GdprRequestOut()


class GdprLiftOut(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.CharField()
    lifted_at = serializers.DateTimeField()


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class GdprExportView(TenantAPIView):
    required_scope = "security"
    audit_target_type = "privacy_request"

    @extend_schema(operation_id="gdpr_export", request=GdprExportInSerializer,
                   responses={200: GdprExportOut, 202: GdprExportAcceptedOut},
                   tags=["security"])  # fmt: skip
    def post(self, request: Request) -> Response:
        params = _valid(GdprExportInSerializer, request)
        if not params["async"]:
            rows = export.export_inline(tenant=request.tenant, user_id=params["user_id"])
            return Response({"status": "ok", "export": rows})
        started = export.export_start(tenant=request.tenant, user_id=params["user_id"],
                                      key=request.auth)  # fmt: skip
        self.set_audit_target("privacy_request", started.pk)
        out = selectors.privacy_request_out(started)
        body = {"status": "accepted", "request_id": out["id"], "job_id": str(started.job_id),
                "status_url": out["status_url"], "request": out}  # fmt: skip
        return Response(body, status=status.HTTP_202_ACCEPTED)


class GdprDeleteView(TenantAPIView):
    required_scope = "security"
    # The erasure's audit row keeps the fact (the request id), never the erased user's id.
    audit_end_user = False

    @extend_schema(operation_id="gdpr_delete", request=GdprEraseInSerializer,
                   responses={200: GdprEraseOut},
                   tags=["security"])  # fmt: skip
    def post(self, request: Request) -> Response:
        params = _valid(GdprEraseInSerializer, request)
        erasure = services.erasure_run(tenant=request.tenant, user_id=params["user_id"],
                                       key=request.auth, dry_run=params["dry_run"],
                                       suppress=params["suppress"])  # fmt: skip
        self.set_audit_target("privacy_request", erasure.request.pk)
        out = selectors.privacy_request_out(erasure.request)
        if erasure.ok:
            message = ("Dry run: nothing was deleted; counts show what would be"
                       if params["dry_run"] else "User data deleted from all backends")  # fmt: skip
            body = {"status": "ok", "message": message}
        else:
            body = {"status": "partial", "message": "Some backends failed",
                    "errors": erasure.request.errors}  # fmt: skip
        body.update({"request_id": out["id"], "status_url": out["status_url"],
                     "receipt": out["receipt"]})  # fmt: skip
        return Response(body)


class PrivacyRequestView(TenantAPIView):
    required_scope = "security"

    @extend_schema(operation_id="gdpr_request_get", responses={200: GdprRequestOut},
                   tags=["security"])  # fmt: skip
    def get(self, request: Request, request_id: str) -> Response:
        found = selectors.privacy_request_get(tenant=request.tenant, request_id=request_id)
        return Response(selectors.privacy_request_out(found))


class PrivacyDownloadView(TenantAPIView):
    required_scope = "security"

    @extend_schema(operation_id="gdpr_export_download",
                   responses={(200, "application/zip"): bytes,
                              409: OpenApiResponse(ErrorEnvelopeSerializer, "export_not_ready"),
                              410: OpenApiResponse(ErrorEnvelopeSerializer, "export_expired")},
                   tags=["security"])  # fmt: skip
    def get(self, request: Request, request_id: str) -> FileResponse:
        path, found = export.export_file(tenant=request.tenant, request_id=request_id)
        response = FileResponse(path.open("rb"), as_attachment=True,
                                filename=f"gdpr-export-{found.pk}.zip",
                                content_type="application/zip")  # fmt: skip
        response["Cache-Control"] = "no-store"
        return response


class SuppressionView(TenantAPIView):
    required_scope = "security"

    @extend_schema(operation_id="gdpr_suppression_lift", responses={200: GdprLiftOut},
                   tags=["security"])  # fmt: skip
    def delete(self, request: Request, user_id: str) -> Response:
        lifted = services.suppression_lift(tenant=request.tenant, user_id=user_id)
        self.set_audit_target("suppression", lifted.pk)
        return Response({"status": "ok", "message": "Suppression lifted",
                         "lifted_at": lifted.lifted_at.isoformat()})  # fmt: skip
