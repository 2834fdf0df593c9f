"""Consent enforced on the other ways in: chat (answers without memory, keeps nothing), the
mem0 and MemOS compatible adds, an async import whose consent is withdrawn while queued, and
another tenant's grant that never counts."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.memories.models import AddBatch, Memory, Message
from apps.memories.tasks import import_memories
from apps.privacy.consent import consent_record
from tests.llm_server import Reply
from tests.memories.factories import make_memories

CHAT = "/v1/chat/completions"
QUESTION = {"role": "user", "content": "Where does my sister live?"}


def require(tenant, *purposes):
    tenant.settings = {**tenant.settings, "required_consents": list(purposes)}
    tenant.save(update_fields=["settings"])


def grant(tenant, user_id="u1", purpose="data_processing", granted=True):
    with tenant_scope(tenant.pk):
        consent_record(tenant=tenant, user_id=user_id, purpose=purpose, granted=granted)


def stored(tenant) -> tuple[int, int, int]:
    with tenant_scope(tenant.pk):
        return Message.objects.count(), Memory.objects.count(), AddBatch.objects.count()


# --- chat -----------------------------------------------------------------------------------------


def test_chat_without_consent_answers_without_memory_and_keeps_nothing(alice, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    require(alice.tenant, "data_processing")
    before = stored(alice.tenant)
    llm.script(Reply(content="I don't know where your sister lives."))
    response = alice.client().post(CHAT, {"messages": [QUESTION], "user": "u1"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["choices"][0]["message"]["content"].startswith("I don't know")
    assert response["X-Memory-Refused"] == "consent_required"
    assert response["X-Memory-Count"] == "0"
    sent = llm.requests[0]["body"]["messages"]
    assert sent == [QUESTION]  # no memory block: the lookup was refused
    assert stored(alice.tenant) == before  # no write-back


def test_chat_with_consent_reads_and_writes_back(alice, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    require(alice.tenant, "data_processing")
    grant(alice.tenant)
    llm.script(Reply(content="In Shanghai."))
    response = alice.client().post(CHAT, {"messages": [QUESTION], "user": "u1"}, format="json")
    assert response.status_code == 200
    assert "X-Memory-Refused" not in response
    assert "Shanghai" in llm.requests[0]["body"]["messages"][0]["content"]
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.filter(user_id="u1").count() == 2


def test_a_streamed_chat_without_consent_keeps_nothing(alice, llm):
    require(alice.tenant, "data_processing")
    llm.script(Reply(content="Hello there."))
    response = alice.client().post(CHAT, {"messages": [QUESTION], "user": "u1", "stream": True},
                                   format="json")  # fmt: skip
    assert response.status_code == 200
    assert response["X-Memory-Refused"] == "consent_required"
    assert b"Hello" in b"".join(response.streaming_content)
    assert stored(alice.tenant) == (0, 0, 0)


# --- compatible APIs ------------------------------------------------------------------------------


def test_a_mem0_add_without_consent_is_refused(alice):
    require(alice.tenant, "data_processing")
    response = alice.client().post("/v3/memories/add/", {"messages": "I live in Oslo",
                                   "user_id": "u1", "infer": False}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert "consent_required" in response.content.decode()
    assert stored(alice.tenant) == (0, 0, 0)
    grant(alice.tenant)
    response = alice.client().post("/v3/memories/add/", {"messages": "I live in Oslo",
                                   "user_id": "u1", "infer": False}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert stored(alice.tenant)[0] == 1


def test_a_mem0_update_without_consent_is_refused(alice):
    [memory] = make_memories(alice.tenant, "u1", ["I live in Oslo"])
    require(alice.tenant, "data_processing")
    response = alice.client().put(f"/v1/memories/{memory.pk}/", {"text": "I live in Rome"},
                                  format="json")  # fmt: skip
    assert response.status_code == 403 and "consent_required" in response.content.decode()
    memory.refresh_from_db()
    assert memory.value == "I live in Oslo"


@pytest.mark.parametrize("path, body", [
    ("/api/openmem/v1/add/message",
     {"user_id": "u1", "messages": [{"role": "user", "content": "I live in Oslo"}]}),
    ("/product/add", {"user_id": "u1", "messages": "I live in Oslo", "async_mode": "sync"}),
], ids=["memos-cloud", "memos-product"])  # fmt: skip
def test_a_memos_add_without_consent_is_refused(alice, path, body):
    require(alice.tenant, "data_processing")
    response = alice.client().post(path, body, format="json")
    assert response.status_code == 403, response.content
    assert "consent_required" in response.content.decode()
    assert stored(alice.tenant) == (0, 0, 0)


# --- imports and tenants --------------------------------------------------------------------------


def test_a_queued_import_finds_the_consent_withdrawn_and_imports_nothing(alice):
    require(alice.tenant, "data_processing")
    grant(alice.tenant)
    body = {"user_id": "u1", "memories": [{"memory": "I like tea"}], "async_mode": "async"}
    response = alice.client().post("/v1/memory/manage/import", body, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]["id"]
    grant(alice.tenant, granted=False)
    import_memories.apply(kwargs={"tenant_id": alice.tenant.pk, "job_id": job_id}).get()
    with tenant_scope(alice.tenant.pk):
        job = Job.objects.get(pk=job_id)
        assert not Memory.objects.exists()
    assert job.status == "failed" and "consent_required" in job.message


def test_another_tenants_grant_never_counts(alice, charlie):
    require(alice.tenant, "data_processing")
    grant(charlie.tenant)  # u1 of tenant B
    response = alice.client().post("/v1/memory/add", {"user_id": "u1", "messages": "hello"},
                                   format="json")  # fmt: skip
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
