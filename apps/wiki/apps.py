from __future__ import annotations

from django.apps import AppConfig


class WikiConfig(AppConfig):
    """Code wiki generation from repositories (tree-sitter parsing, skeleton pages, optional LLM
    narration) and the storage connectors that fetch them (issue 14)."""

    name = "apps.wiki"
    label = "wiki"
