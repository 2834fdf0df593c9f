from __future__ import annotations

from django.urls import path

from apps.privacy import api, api_consent

urlpatterns = [
    path("v1/security/gdpr/export", api.GdprExportView.as_view(), name="gdpr-export"),
    path("v1/security/gdpr/delete", api.GdprDeleteView.as_view(), name="gdpr-delete"),
    path("v1/security/gdpr/requests/<uuid:request_id>", api.PrivacyRequestView.as_view(),
         name="privacy-request"),
    path("v1/security/gdpr/requests/<uuid:request_id>/download",
         api.PrivacyDownloadView.as_view(), name="privacy-download"),
    path("v1/security/gdpr/suppressions/<path:user_id>", api.SuppressionView.as_view(),
         name="gdpr-suppression"),
    path("v1/security/gdpr/consent", api_consent.ConsentView.as_view(), name="gdpr-consent"),
    path("v1/security/gdpr/consent/check", api_consent.ConsentCheckView.as_view(),
         name="gdpr-consent-check"),
]  # fmt: skip
