"""A query vector without a direction (zeros, values that vanish or overflow in half precision)
is a 400 naming the field, never a NaN score and a 500."""

from __future__ import annotations

import json

import numpy as np
import pytest

from apps.core.errors import AppError
from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.memories.selectors import SearchQuery, memory_search
from tests.memories.factories import make_memories

SEARCH = "/v1/memory/search"
DIM = 384  # the e5 backend the tests run with


def search(actor, vector: list[float], **body):
    body = {"query": "where do I live", "user_id": "u1", "mode": "vector", "vector": vector, **body}
    return actor.client().post(SEARCH, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "vector",
    [
        [0.0] * DIM,
        [1e-8] * DIM,  # rounds to 0 in float16, the precision the stored vectors have
        [-0.0] * DIM,
        [0.0] * (DIM - 1) + [1e-9],
        [1e6] * DIM,  # overflows float16: no finite norm
        [0.0] * (DIM - 1) + [1e300],
    ],
    ids=["zeros", "1e-8", "negative-zeros", "one-tiny", "1e6", "1e300"],
)
@pytest.mark.parametrize("mode", ["vector", "hybrid"])
def test_a_vector_without_direction_is_400(alice, vector, mode):
    make_memories(alice.tenant, "u1", ["I live in Lisbon", "I keep bees"])
    response = search(alice, vector, mode=mode, query="Lisbon")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("BadRequest", "invalid_input")
    assert "vector" in error["details"]
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.count() == 2  # nothing changed


def test_a_small_but_real_vector_still_searches(alice):
    [lisbon, _] = make_memories(alice.tenant, "u1", ["I live in Lisbon", "I keep bees"])
    with tenant_scope(alice.tenant.pk):
        direction = np.asarray(Memory.objects.get(pk=lisbon.pk).embedding, dtype=np.float64)
    response = search(alice, [float(x) for x in direction * 1e-3])  # survives float16
    assert response.status_code == 200, response.content
    [first, *_] = response.json()["results"]
    assert first["memory"] == "I live in Lisbon" and first["similarity"] > 0.99


def test_the_selector_refuses_a_vector_without_direction(alice):
    """Callers inside the platform skip the serializer; the selector checks too."""
    make_memories(alice.tenant, "u1", ["I live in Lisbon"])
    with tenant_scope(alice.tenant.pk), pytest.raises(AppError) as refused:
        memory_search(
            tenant=alice.tenant,
            q=SearchQuery(query="Lisbon", user_id="u1", mode="hybrid", vector=[0.0] * DIM),
        )
    assert refused.value.status == 400 and refused.value.code == "vector_without_direction"


def test_a_stored_vector_without_direction_scores_0_not_nan(alice):
    [zero, _] = make_memories(alice.tenant, "u1", ["I live in Lisbon", "I keep bees"])
    with tenant_scope(alice.tenant.pk):
        Memory.objects.filter(pk=zero.pk).update(embedding=[0.0] * DIM)
    response = alice.client().post(
        SEARCH, {"query": "Lisbon", "user_id": "u1", "threshold": -1.0}, format="json"
    )
    assert response.status_code == 200, response.content
    similarities = {hit["memory"]: hit["similarity"] for hit in response.json()["results"]}
    assert similarities["I live in Lisbon"] == 0.0
