from __future__ import annotations

from django.apps import AppConfig


class WikiConfig(AppConfig):
    """Code wiki generation from repositories (tree-sitter parsing, skeleton pages, optional LLM
    narration) and the storage connectors that fetch them (issue 14)."""

    name = "apps.wiki"
    label = "wiki"

    def ready(self) -> None:
        from apps.jobs.kinds import job_kind_register
        from apps.memories.registry import user_data_register
        from apps.wiki.userdata import wiki_user_data

        job_kind_register(kind="wiki", scope="wiki")  # wiki jobs are read with the wiki scope
        for entry in wiki_user_data():  # GDPR export and erasure (apps.privacy)
            user_data_register(entry)
