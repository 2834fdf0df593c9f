"""The actor recorded on a change is the calling key, whichever API the change came through (the
base view sets it once; no view rebuilds it)."""

from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.memories.models import MemoryVersion
from tests.memories.factories import make_memories


def history_actors(memory):
    with tenant_scope(memory.tenant_id):
        versions = MemoryVersion.objects.filter(memory=memory).order_by("version")
        return list(versions.values_list("event", "actor"))


def test_changes_through_the_memory_and_mem0_apis_are_recorded_as_the_calling_key(alice, bob):
    [memory] = make_memories(alice.tenant, "u1", ["I live in Oslo"])
    patched = bob.client().patch(f"/v1/memory/{memory.pk}", {"memory": "I live in Bergen"},
                                 format="json")  # fmt: skip
    assert patched.status_code == 200
    mem0 = alice.client("Token").put(f"/v1/memories/{memory.pk}/", {"text": "I live in Paris"},
                                     format="json")  # fmt: skip
    assert mem0.status_code == 200
    assert alice.client().delete(f"/v1/memory/{memory.pk}").status_code == 200

    assert history_actors(memory) == [
        ("ADD", "test"),
        ("UPDATE", f"key:{bob.key.pk}"),
        ("UPDATE", f"key:{alice.key.pk}"),
        ("DELETE", f"key:{alice.key.pk}"),
    ]
