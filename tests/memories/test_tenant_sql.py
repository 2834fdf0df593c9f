"""The raw UPDATEs by id carry the tenant condition too (defence in depth): a row of another
tenant is not changed even when its id is given."""

from __future__ import annotations

from apps.memories.models import Memory
from apps.memories.services import search_vectors_write
from tests.memories.factories import make_memories


def keyword_index(memory_id):
    return Memory.unscoped.values_list("search_vector", "search_length").get(pk=memory_id)


def test_a_keyword_index_write_only_reaches_the_memorys_own_tenant(alice, charlie):
    [memory] = make_memories(alice.tenant, "u1", ["I live in Oslo"])
    before = keyword_index(memory.pk)
    forged = Memory(pk=memory.pk, tenant_id=charlie.tenant.pk, value="completely different words")

    search_vectors_write([forged])
    assert keyword_index(memory.pk) == before

    memory.value = "completely different words"
    search_vectors_write([memory])
    assert keyword_index(memory.pk) != before
