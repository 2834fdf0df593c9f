from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from apps.jobs.kinds import job_kind_register
        from apps.memories.registry import processing_gate_register
        from apps.privacy.consent import consent_gate
        from apps.privacy.export import JOB_KIND
        from apps.privacy.services import suppression_gate
        from apps.privacy.userdata import privacy_user_data_register

        job_kind_register(kind=JOB_KIND, scope="security")
        privacy_user_data_register()  # consents, export requests, audit events
        processing_gate_register(suppression_gate)  # 403 user_suppressed after an erasure
        processing_gate_register(consent_gate)  # 403 consent_required (required_consents)
