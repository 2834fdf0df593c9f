"""Search hits fold into the memories they hit, then warm their topic segments through the access
hook the pipeline registers in the floor (apps.memories.registry); a counter can only touch
memories of the tenant it was counted for."""

from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.memories.access import access_flush, access_record
from apps.memories.models import Memory
from apps.memories.services import memories_segment_set
from apps.pipeline.models import Segment
from tests.memories.factories import make_memories


def test_search_hits_count_and_warm_the_segment_of_what_they_hit(alice):
    access_flush()  # counters other tests' searches left in Redis
    [hit, other] = make_memories(alice.tenant, "u1", ["I live in Oslo", "I like tea"])
    with tenant_scope(alice.tenant.pk):
        segment = Segment.objects.create(tenant=alice.tenant, user_id="u1", size=1)
        memories_segment_set(tenant=alice.tenant, memory_ids=[hit.pk], segment_id=segment.pk)
    access_record(tenant_id=alice.tenant.pk, memory_ids=[str(hit.pk)])
    access_record(tenant_id=alice.tenant.pk, memory_ids=[str(hit.pk)])

    assert access_flush() == 2

    with tenant_scope(alice.tenant.pk):
        hit.refresh_from_db()
        other.refresh_from_db()
        segment.refresh_from_db()
    assert (hit.access_count, other.access_count) == (2, 0)
    assert hit.last_accessed_at is not None
    assert segment.visits == 2 and segment.heat > 0 and segment.last_visited_at is not None


def test_a_counter_of_one_tenant_cannot_touch_another_tenants_memory(alice, charlie):
    [memory] = make_memories(alice.tenant, "u1", ["I live in Oslo"])
    access_record(tenant_id=charlie.tenant.pk, memory_ids=[str(memory.pk)])

    access_flush()

    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(pk=memory.pk).access_count == 0
