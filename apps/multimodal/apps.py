from __future__ import annotations

from django.apps import AppConfig


class MultimodalConfig(AppConfig):
    name = "apps.multimodal"
    label = "multimodal"

    def ready(self) -> None:
        from apps.memories.registry import content_part_handler_register, user_data_register
        from apps.multimodal import checks  # noqa: F401  (registers the dimension check)
        from apps.multimodal.hooks import document_handler, image_url_handler
        from apps.multimodal.userdata import multimodal_user_data

        for entry in multimodal_user_data():  # GDPR export and erasure (apps.privacy)
            user_data_register(entry)
        content_part_handler_register(image_url_handler)  # image_url parts of the add paths
        content_part_handler_register(document_handler)  # pdf_url / mdx_url / txt_url parts
