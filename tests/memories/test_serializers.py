import pytest

from apps.memories.serializers import MemoryOutSerializer, memory_data
from tests.memories.factories import make_memories


@pytest.mark.django_db
def test_memory_data_renders_exactly_what_the_documented_serializer_renders(alice):
    (memory,) = make_memories(
        alice.tenant, "u1", ["我喜欢草莓 and hiking"], tags=["food"],
        metadata={"source": "chat", "n": 2},
        sources=[{"message_id": 7, "role": "user", "metadata": {"turn": "D1:3"}},
                 {"message_id": None, "metadata": {}}],
    )  # fmt: skip
    memory.refresh_from_db()
    assert memory_data(memory) == MemoryOutSerializer(memory).data
