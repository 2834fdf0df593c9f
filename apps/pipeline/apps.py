from __future__ import annotations

from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "apps.pipeline"
    label = "pipeline"

    def ready(self) -> None:
        from apps.memories import registry
        from apps.memories.registry import Stage, stage_register
        from apps.pipeline import tiers
        from apps.pipeline.services import batch_infer

        # Extraction, reconciliation, FAQ records and segments: in add order, per user.
        stage_register(Stage(name="pipeline", run=batch_infer, queue="ingest", ordered=True))
        # Search hits warm topic segments; retrieve shows their heat and the user's profile.
        registry.access_hook_register(tiers.heat_on_access)
        registry.retrieve_tiers_register(
            registry.RetrieveTiers(segment_heat=tiers.segments_heat, long_term=tiers.long_term_tier)
        )
        from apps.pipeline.userdata import pipeline_user_data

        for entry in pipeline_user_data():  # GDPR export and erasure (apps.privacy)
            registry.user_data_register(entry)
