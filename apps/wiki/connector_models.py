"""Saved connector configurations and test sessions (apps.wiki.connectors).

Secret fields (specs.Field.secret) never sit in `config`: they are in `secrets`, each sealed with
AES-256-GCM (apps.wiki.connectors.crypto) with the id of its key."""

from __future__ import annotations

import uuid

from django.db import models

from apps.core.tenancy import TenantOwnedModel


class SavedConnector(TenantOwnedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    connector_type = models.CharField(max_length=16)
    config = models.JSONField(default=dict)  # the fields that are not secret
    secrets = models.JSONField(default=dict)  # field -> {"kid": ..., "ct": base64(nonce+ct)}
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.connector_type} connector {self.name}"


class ConnectorSession(TenantOwnedModel):
    """A configuration that passed `test`, usable by browse and generate until `expires_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connector_type = models.CharField(max_length=16)
    config = models.JSONField(default=dict)
    secrets = models.JSONField(default=dict)
    saved = models.ForeignKey(SavedConnector, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.connector_type} session"
