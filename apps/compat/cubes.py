"""MemOS cubes as named memory spaces with an owner and readers inside a tenant, and MemOS's
soft deletes by record id.

Why the check sits here and fails closed for registered cubes only: before cubes could be
registered, a cube id was just the `user_id` namespace of our memories and any key of the tenant
reached any cube. Clients written that way keep working for cubes nobody registered. Once a cube
is registered (create_cube / register_cube), the `user_id` a request names must be its owner or
one of its readers to read it, and its owner to write to it; anyone else gets 403
`cube_forbidden`. Everything is tenant-scoped: another tenant's key never sees the registration
(nor the memories), so for it the cube id is an empty, unregistered space of its own tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.compat.models import Cube, CubeDeletion
from apps.core.errors import Conflict, Forbidden
from apps.memories import selectors, services
from apps.memories.registry import UserData
from apps.tenants.models import Tenant


def cube_create(
    *, tenant: Tenant, name: str, owner_id: str, cube_id: str | None, reader_ids: list[str]
) -> Cube:
    """A new registered cube; 409 `cube_exists` when the id is registered already."""
    cube_id = cube_id or str(uuid.uuid4())
    try:
        with transaction.atomic():
            return Cube.objects.create(tenant=tenant, cube_id=cube_id, name=name,
                                       owner_id=owner_id, reader_ids=reader_ids)  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(f"Cube {cube_id} exists already.", code="cube_exists") from exc


def cube_register(
    *, tenant: Tenant, name: str, owner_id: str, cube_id: str | None, reader_ids: list[str] | None
) -> Cube:
    """Register (or, by its owner, re-register: new name, readers when given) a cube; 409
    `cube_exists` when another owner holds the id."""
    cube_id = cube_id or str(uuid.uuid4())
    with transaction.atomic():
        cube = Cube.objects.select_for_update().filter(tenant=tenant, cube_id=cube_id).first()
        if cube is None:
            return cube_create(tenant=tenant, name=name, owner_id=owner_id, cube_id=cube_id,
                               reader_ids=reader_ids or [])  # fmt: skip
        if cube.owner_id != owner_id:
            raise Conflict(f"Cube {cube_id} is registered by another owner.", code="cube_exists")
        cube.name = name
        if reader_ids is not None:
            cube.reader_ids = reader_ids
        cube.save(update_fields=["name", "reader_ids", "updated_at"])
        return cube


def cubes_check(*, tenant: Tenant, cube_ids: list[str], user_id: str | None, write: bool) -> None:
    """403 `cube_forbidden` for the first registered cube of `cube_ids` that `user_id` may not
    read (or, with `write`, write to); unregistered cubes pass."""
    for cube in Cube.objects.filter(tenant=tenant, cube_id__in=cube_ids).order_by("cube_id"):
        if user_id == cube.owner_id or (not write and user_id in cube.reader_ids):
            continue
        verb = "write to" if write else "read"
        who = f"User {user_id!r}" if user_id else "A request without user_id"
        raise Forbidden(f"{who} may not {verb} the registered cube {cube.cube_id!r}.",
                        code="cube_forbidden")  # fmt: skip


def cube_memories_delete(*, tenant: Tenant, cube_id: str, record_id: str, actor: str) -> int:
    """MemOS's soft delete by record id: every live memory of the cube becomes `deleted` (the
    floor's delete: a DELETE version, out of search and listing), remembered under `record_id`
    for a recover. The same record id again adds the cube's memories live by then."""
    with transaction.atomic():
        memories = list(selectors.memory_list(tenant=tenant, user_id=cube_id).only("id"))
        deleted = services.memories_delete(tenant=tenant, memories=memories, actor=actor)
        # Two deletes under one new record id at once: one inserts, both then lock that row.
        CubeDeletion.objects.bulk_create(
            [CubeDeletion(tenant=tenant, cube_id=cube_id, record_id=record_id)],
            ignore_conflicts=True,
        )
        record = CubeDeletion.objects.select_for_update().get(
            tenant=tenant, cube_id=cube_id, record_id=record_id
        )
        record.memory_ids = list(dict.fromkeys([*record.memory_ids, *[m.pk for m in memories]]))
        record.save(update_fields=["memory_ids"])
    return deleted


def cube_deletion_forget(*, tenant: Tenant, cube_id: str, record_id: str) -> int:
    """MemOS's hard delete of a record: here the record is dropped, so it can no longer be
    recovered; its memories stay deleted (erasing content is the privacy API's work)."""
    deleted, _ = CubeDeletion.objects.filter(
        tenant=tenant, cube_id=cube_id, record_id=record_id
    ).delete()
    return deleted


def cube_memories_recover(*, tenant: Tenant, cube_id: str, record_id: str, actor: str) -> int:
    """The memories `record_id` deleted in the cube, live again (with an UPDATE version); the
    record is used up. An unknown record recovers nothing (as in MemOS)."""
    with transaction.atomic():
        record = (CubeDeletion.objects.select_for_update()
                  .filter(tenant=tenant, cube_id=cube_id, record_id=record_id).first())  # fmt: skip
        if record is None:
            return 0
        recovered = services.memories_restore(
            tenant=tenant, memory_ids=record.memory_ids, actor=actor
        )
        record.delete()
    return recovered


# --- per-user data (apps.privacy): cubes name their owner and readers -----------------------


def _cubes_of(tenant: Tenant, user_id: str) -> Any:
    return Cube.objects.filter(
        Q(owner_id=user_id) | Q(cube_id=user_id) | Q(reader_ids__contains=[user_id]), tenant=tenant
    )


def cubes_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    for cube in _cubes_of(tenant, user_id).order_by("cube_id"):
        yield {"cube_id": cube.cube_id, "name": cube.name, "owner_id": cube.owner_id,
               "reader_ids": cube.reader_ids,
               "created_at": cube.created_at.isoformat()}  # fmt: skip


def cubes_count(*, tenant: Tenant, user_id: str) -> int:
    return _cubes_of(tenant, user_id).count()


def cubes_erase(*, tenant: Tenant, user_id: str) -> int:
    """Cubes the user owns or that are named after them go; elsewhere they stop being a reader."""
    with transaction.atomic():
        gone, _ = Cube.objects.filter(Q(owner_id=user_id) | Q(cube_id=user_id),
                                      tenant=tenant).delete()  # fmt: skip
        shared = list(Cube.objects.select_for_update().filter(
            tenant=tenant, reader_ids__contains=[user_id]))  # fmt: skip
        for cube in shared:
            cube.reader_ids = [r for r in cube.reader_ids if r != user_id]
            cube.save(update_fields=["reader_ids", "updated_at"])
    return gone + len(shared)


def _deletions(tenant: Tenant, user_id: str) -> Any:
    return CubeDeletion.objects.filter(tenant=tenant, cube_id=user_id)


def deletions_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    for record in _deletions(tenant, user_id).order_by("created_at"):
        yield {"cube_id": record.cube_id, "record_id": record.record_id,
               "memory_ids": [str(i) for i in record.memory_ids],
               "created_at": record.created_at.isoformat()}  # fmt: skip


def deletions_count(*, tenant: Tenant, user_id: str) -> int:
    return _deletions(tenant, user_id).count()


def deletions_erase(*, tenant: Tenant, user_id: str) -> int:
    return _deletions(tenant, user_id).delete()[0]


def compat_user_data() -> list[UserData]:
    return [
        UserData(name="cubes", export=cubes_export, count=cubes_count, erase=cubes_erase,
                 models=("compat.Cube",), order=40),
        UserData(name="cube_deletions", export=deletions_export, count=deletions_count,
                 erase=deletions_erase, models=("compat.CubeDeletion",), order=40),
    ]  # fmt: skip
