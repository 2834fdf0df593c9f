"""A code wiki and its pages (generation: apps.wiki.generation, services).

A wiki is one repository (`repo_key`: its resolved path, or the connector source) generated into
one `namespace`: the end user id its pages are stored under as memories ("" keeps them out of
memory). A page keeps the hash of its inputs, so a later run rewrites only changed pages, and the
id of its memory, so replacing the page replaces the memory."""

from __future__ import annotations

import uuid

from django.db import models

from apps.core.tenancy import TenantOwnedModel


class Wiki(TenantOwnedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    repo_key = models.CharField(max_length=1000)
    namespace = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "repo_key", "namespace"], name="wiki_one_per_repo"
            )
        ]

    def __str__(self) -> str:
        return f"wiki {self.name}"


class WikiPage(TenantOwnedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wiki = models.ForeignKey(Wiki, on_delete=models.CASCADE, related_name="pages")
    path = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    content = models.TextField()
    inputs_hash = models.CharField(max_length=64)
    # None: no narration asked; True/False: the LLM's narration is in the page, or failed.
    narrated = models.BooleanField(null=True, default=None)
    memory_id = models.UUIDField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["wiki", "path"], name="wiki_page_one_per_path")
        ]

    def __str__(self) -> str:
        return self.path


from apps.wiki.connector_models import ConnectorSession, SavedConnector  # noqa: E402,F401
