from django.urls import path

from apps.audit import api

urlpatterns = [
    path("v1/security/audit/logs", api.AuditLogsView.as_view(), name="security-audit-logs"),
    path("v1/security/audit/stats", api.AuditStatsView.as_view(), name="security-audit-stats"),
    path("v1/security/audit/verify", api.AuditVerifyView.as_view(), name="security-audit-verify"),
]
