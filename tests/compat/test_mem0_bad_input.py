"""Bad input on the mem0-compatible paths: a clear 4xx in the error envelope, nothing written."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory, Message

NO_SUCH = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("post", "/v3/memories/add/", {"messages": "x", "user_id": "u", "metadata": "x"}, 400),
    ("post", "/v3/memories/add/", {"messages": "x", "user_id": "u", "timestamp": 1e30}, 400),
    ("post", "/v3/memories/add/", ["x"], 400),
    ("post", "/v3/memories/", {"filters": {"user_id": "u"}, "start_date": "nope"}, 400),
    ("post", "/v3/memories/", {"filters": "x"}, 400),
    ("post", "/v3/memories/search/", {"query": "q", "top_k": "abc"}, 400),
    ("post", "/v3/memories/search/", {"query": "q", "filters": {"AND": "x"}}, 400),
    ("put", f"/v1/memories/{NO_SUCH}/", {"text": "x"}, 404),
    ("post", "/v1/exports/get/", {"memory_export_id": "nope"}, 400),
    ("post", "/v1/feedback/", {"memory_id": "nope"}, 400),
    ("put", "/v1/batch/", {"memories": [{"memory_id": "nope", "text": "x"}]}, 400),
], ids=["metadata", "timestamp", "not-an-object", "start-date", "filters", "top-k",
        "and-not-a-list", "no-such-memory", "export-id", "feedback-id", "batch-id"])  # fmt: skip
def test_bad_input_is_a_clear_4xx(alice, method, path, body, status):
    response = getattr(alice.client("Token"), method)(path, body, format="json")
    assert response.status_code == status, response.content
    assert response.json()["error"]["message"]
    with tenant_scope(alice.tenant.pk):
        assert not Message.objects.exists() and not Memory.objects.exists()


def test_get_all_takes_iso_dates(alice):
    alice.client().post("/v3/memories/add/", {"messages": "x", "user_id": "u", "infer": False},
                        format="json")  # fmt: skip

    def count(**dates):
        body = {"filters": {"user_id": "u"}, **dates}
        return alice.client().post("/v3/memories/", body, format="json").json()["count"]

    assert count(start_date="2000-01-01") == 1
    assert count(end_date="2000-01-01T00:00:00Z") == 0
