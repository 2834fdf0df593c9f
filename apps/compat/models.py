"""MemOS's cubes as named memory spaces inside a tenant, and the soft deletes MemOS names by a
record id.

A cube id is the namespace our memories call `user_id`. A cube nobody registered is open to
every key of the tenant (as before cubes existed); a registered one is read only by its owner
and its readers and written only by its owner (apps.compat.cubes)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.tenancy import TenantOwnedModel


class Cube(TenantOwnedModel):
    cube_id = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    owner_id = models.CharField(max_length=200)  # an end user's id
    reader_ids = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "cube_id"], name="compat_cube_unique")
        ]


class CubeDeletion(TenantOwnedModel):
    """The memories one `delete_memory_by_record_id` soft-deleted in one cube, under the caller's
    record id, so that `recover_memory_by_record_id` brings back exactly those."""

    cube_id = models.CharField(max_length=200)
    record_id = models.CharField(max_length=200)
    memory_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "cube_id", "record_id"], name="compat_cube_deletion_unique"
            )
        ]
