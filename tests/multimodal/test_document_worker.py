"""A document of more than DOCUMENT_SYNC_CHUNKS chunks: the add keeps it and answers at once, and
the real worker cuts it into memories right after (idempotent: a second run makes none)."""

from __future__ import annotations

import base64
import time

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.multimodal.models import Document
from apps.multimodal.services import document_chunk
from tests.multimodal.pdfmake import pdf_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
PAGES = [f"Page {n} of the field notes: the marker stone number {n * 7} stands by the river."
         for n in range(1, 4)]  # fmt: skip


def _add(actor) -> dict:
    pdf = base64.b64encode(pdf_bytes(PAGES)).decode()
    response = actor.client().post("/v3/memories/add/", {"user_id": "u1", "infer": False,
        "messages": [{"role": "user", "content": {"type": "pdf_url", "pdf_url": {"url": pdf}}}]},
        format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()


def test_a_big_document_is_cut_by_the_worker_after_the_add(celery_worker, alice, settings):
    settings.DOCUMENT_SYNC_CHUNKS = 1  # three pages, three chunks: deferred
    body = _add(alice)
    assert [r["memory"] for r in body["results"]] == ["[document]"]  # the turn only, at once
    doc = Document.unscoped.get(tenant=alice.tenant)
    deadline = time.monotonic() + 60
    while Document.unscoped.get(pk=doc.pk).status == "queued":
        assert time.monotonic() < deadline, "the worker never cut the document"
        time.sleep(0.3)
    assert Document.unscoped.get(pk=doc.pk).status == "done"
    chunks = Memory.unscoped.filter(tenant=alice.tenant, kind="document")
    assert sorted(m.metadata["page"] for m in chunks) == [1, 2, 3]
    with tenant_scope(alice.tenant.pk):
        assert document_chunk(tenant_id=alice.tenant.pk, document_id=str(doc.pk)) == 0
    assert Memory.unscoped.filter(tenant=alice.tenant, kind="document").count() == 3
