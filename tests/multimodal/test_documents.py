"""mem0's document parts (pdf_url, mdx_url, txt_url) on the add paths: the document is kept as the
turn's source and its text is cut into memories of the user, each naming the document, its pages
and its chunk index; bad documents are refused whole with a stable code."""

from __future__ import annotations

import base64

import pytest

from apps.memories.models import AddBatch, Memory, Message
from apps.multimodal.documents import chunks_make
from apps.multimodal.models import Document
from tests.multimodal.pdfmake import pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes([
    "Quarterly report of the Falconridge project\nThe budget was approved in March.",
    "The kickoff meeting is on Wednesday in room Zephyr-7.\nBring the signed contract.",
])  # fmt: skip
B64 = base64.b64encode(PDF).decode()


def _pdf(url: str = B64) -> dict:
    return {"type": "pdf_url", "pdf_url": {"url": url}}


def _add(actor, path: str, content, **body):
    messages = [{"role": "user", "content": content}]
    return actor.client().post(path, {"messages": messages, "user_id": "u1", **body},
                               format="json")  # fmt: skip


def _chunks(tenant, user_id="u1") -> list[Memory]:
    rows = Memory.unscoped.filter(tenant=tenant, user_id=user_id, kind="document")
    return sorted(rows, key=lambda m: m.metadata["chunk_index"])


@pytest.mark.parametrize("path", ["/v3/memories/add/", "/v1/memory/add"])
def test_a_pdf_becomes_a_document_and_memories_with_their_pages(alice, path):
    # mem0's docs: the content is the part itself, its url the file's base64
    response = _add(alice, path, _pdf(), infer=False)
    assert response.status_code == 200, response.content
    turn = Message.unscoped.get(tenant=alice.tenant, user_id="u1")
    assert turn.content == "[document]"
    doc = Document.unscoped.get(tenant=alice.tenant, user_id="u1")
    assert (doc.message_id, doc.kind, doc.pages, bytes(doc.data)) == (turn.pk, "pdf", 2, PDF)
    chunks = _chunks(alice.tenant)
    assert chunks and all(m.metadata["document_id"] == str(doc.pk) for m in chunks)
    assert all(m.sources[0]["message_id"] == turn.pk for m in chunks)
    assert [m.metadata["page"] for m in chunks] == [1, 2]  # a chunk never spans pages
    # the add answers with the chunks it made
    if path == "/v3/memories/add/":
        answered = {r["memory"] for r in response.json()["results"]}
        assert {m.value for m in chunks} <= answered
    # a search finds the passage and says its page
    hits = alice.client().post("/v3/memories/search/", {"query": "where is the kickoff meeting",
                               "filters": {"user_id": "u1"}}, format="json")  # fmt: skip
    assert hits.status_code == 200, hits.content
    top = next(h for h in hits.json()["results"] if "document_id" in (h["metadata"] or {}))
    assert "Zephyr-7" in top["memory"] and top["metadata"]["page"] == 2


def test_long_pages_are_cut_and_text_parts_stay_the_turn(alice, settings):
    settings.DOCUMENT_CHUNK_CHARS = 60
    response = _add(alice, "/v1/memory/add", [{"type": "text", "text": "my report"}, _pdf()])
    assert response.status_code == 200, response.content
    chunks = _chunks(alice.tenant)
    assert [m.metadata["page"] for m in chunks] == [1, 1, 2, 2]
    assert [m.metadata["chunk_index"] for m in chunks] == [0, 1, 2, 3]
    assert {m.metadata["chunk_count"] for m in chunks} == {4}
    assert "Falconridge" in chunks[0].value and "Zephyr-7" in chunks[2].value
    assert Message.unscoped.get(tenant=alice.tenant).content == "my report"


def test_text_documents_as_data_url_base64_and_text_chinese_too(alice, settings):
    settings.DOCUMENT_CHUNK_CHARS = 100
    chinese = "我们的项目叫青鸟。" * 8 + "\n\n" + "下周三在三号会议室开会，请带上合同。" * 3
    mdx = "# Notes\n\nThe wifi password is *heron-42*.\n"
    parts = [
        {"type": "txt_url", "txt_url": {"text": chinese}},
        {"type": "mdx_url", "mdx_url": {"url": "data:text/markdown;base64,"
                                        + base64.b64encode(mdx.encode()).decode()}},
        {"type": "txt_url", "txt_url": {"data": base64.b64encode(b"plain note").decode()}},
    ]  # fmt: skip
    response = _add(alice, "/v3/memories/add/", parts)
    assert response.status_code == 200, response.content
    docs = Document.unscoped.filter(tenant=alice.tenant).order_by("created_at")
    assert sorted(d.kind for d in docs) == ["mdx", "txt", "txt"]
    values = [m.value for m in Memory.unscoped.filter(tenant=alice.tenant, kind="document")]
    assert all(len(v) <= 100 for v in values)
    assert any("heron-42" in v for v in values) and "plain note" in values
    # the Chinese paragraph (72 characters) is one chunk, the next (54 characters) another
    meeting = [v for v in values if "会议室" in v]
    assert meeting and all(v.endswith("。") for v in meeting)
    hits = alice.client().post("/v1/memory/search", {"query": "会议室在哪里", "user_id": "u1"},
                               format="json")  # fmt: skip
    assert hits.status_code == 200, hits.content
    assert any("会议室" in str(h) for h in hits.json()["results"][:3])


def test_chunker_cuts_paragraphs_then_sentences_and_keeps_pages():
    pages = ["A" * 50 + ". " + "B" * 50 + ".", "第一句很长。" * 20]
    chunks = chunks_make(pages, size=60)
    assert all(len(c.text) <= 60 for c in chunks)
    assert chunks[0].text == "A" * 50 + "." and chunks[0].page == 1
    assert chunks[-1].page == 2 and chunks[-1].text.endswith("。")
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert "".join(c.text for c in chunks[2:]) == "第一句很长。" * 20


def _refused(alice, content, code: str, **body) -> None:
    response = _add(alice, "/v3/memories/add/", content, **body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code, response.content
    assert not Message.unscoped.exists() and not Document.unscoped.exists()
    assert not Memory.unscoped.exists() and not AddBatch.unscoped.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (_pdf("not base64 at all!"), "document_invalid_base64"),
        (_pdf("data:application/pdf;base64,@@@@"), "document_invalid_base64"),
        (_pdf(base64.b64encode(b"just some bytes").decode()), "document_unparsable"),
        (_pdf(base64.b64encode(b"%PDF-1.4\n garbage").decode()), "document_unparsable"),
        (_pdf(base64.b64encode(pdf_bytes([""])).decode()), "document_empty"),
        ({"type": "txt_url", "txt_url": {"text": "  \n\n "}}, "document_empty"),
        ({"type": "txt_url", "txt_url": {"data": base64.b64encode(b"\xff\xfe\xfa").decode()}},
         "document_unparsable"),
        ({"type": "pdf_url", "pdf_url": {"text": "a pdf as text"}}, "document_invalid"),
        ({"type": "pdf_url", "pdf_url": {}}, "document_invalid"),
        ({"type": "mdx_url", "mdx_url": {"url": B64, "text": "both"}}, "document_invalid"),
        ({"type": "mdx_url", "mdx_url": 42}, "document_invalid"),
        (_pdf("https://example.com/report.pdf"), "document_url_fetch_disabled"),
    ],
)  # fmt: skip
def test_bad_documents_refuse_the_whole_add(alice, content, code):
    _refused(alice, [{"type": "text", "text": "see attached"}, content], code)


def test_oversized_documents_are_refused(alice, settings, monkeypatch):
    settings.DOCUMENT_MAX_BYTES = 1024
    _refused(alice, _pdf(base64.b64encode(b"%PDF-" + b"x" * 1100).decode()),
             "document_too_large")  # fmt: skip
    _refused(alice, {"type": "txt_url", "txt_url": {"text": "y" * 1100}}, "document_too_large")
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    many = base64.b64encode(pdf_bytes(["p"] * 3)).decode()
    monkeypatch.setattr("apps.multimodal.documents.MAX_PAGES", 2)
    _refused(alice, _pdf(many), "document_too_large")
    settings.DOCUMENT_MAX_CHARS = 1000
    _refused(alice, {"type": "txt_url", "txt_url": {"text": "z " * 600}}, "document_too_large")


def test_a_retry_with_the_same_event_id_writes_nothing_twice(alice):
    first = _add(alice, "/v1/memory/add", _pdf(), event_id="doc-1")
    assert first.status_code == 200, first.content
    made = len(_chunks(alice.tenant))
    again = _add(alice, "/v1/memory/add", _pdf(), event_id="doc-1")
    assert again.status_code == 200, again.content
    assert Document.unscoped.count() == 1 and len(_chunks(alice.tenant)) == made >= 1
    other = base64.b64encode(pdf_bytes(["another document"])).decode()
    changed = _add(alice, "/v1/memory/add", _pdf(other), event_id="doc-1")
    assert changed.status_code == 409, changed.content
    assert Document.unscoped.count() == 1


def test_documents_are_exported_and_erased_with_the_user(alice):
    assert _add(alice, "/v1/memory/add", _pdf()).status_code == 200
    assert _add(alice, "/v1/memory/add", _pdf(), user_id="u2").status_code == 200
    export = alice.client().post("/v1/security/gdpr/export", {"user_id": "u1"}, format="json")
    assert export.status_code == 200, export.content
    rows = export.json()["export"]["documents"]
    assert len(rows) == 1 and base64.b64decode(rows[0]["data_base64"]) == PDF
    erased = alice.client().post("/v1/security/gdpr/delete", {"user_id": "u1"}, format="json")
    assert erased.status_code == 200 and erased.json()["status"] == "ok", erased.content
    assert not Document.unscoped.filter(user_id="u1").exists()
    assert not Memory.unscoped.filter(user_id="u1").exists()
    assert Document.unscoped.filter(user_id="u2").count() == 1 and _chunks(alice.tenant, "u2")


def test_a_queued_document_is_cut_once_and_not_for_a_suppressed_user(alice, settings):
    from apps.core.tenancy import tenant_scope
    from apps.multimodal.services import document_chunk
    from apps.privacy import services as privacy

    settings.DOCUMENT_SYNC_CHUNKS = 0  # every document is cut after the add
    for user in ("u1", "u2"):
        response = _add(alice, "/v1/memory/add", _pdf(), user_id=user)
        assert response.status_code == 200, response.content
    assert not Memory.unscoped.filter(kind="document").exists()  # nothing cut in the add
    docs = {d.user_id: d for d in Document.unscoped.filter(tenant=alice.tenant)}
    assert {d.status for d in docs.values()} == {"queued"}
    with tenant_scope(alice.tenant.pk):
        privacy.suppression_create(tenant=alice.tenant, request=None, key=alice.key,
                                   subject=privacy.subject_of(tenant_id=alice.tenant.pk,
                                                              user_id="u2"))  # fmt: skip
        made = document_chunk(tenant_id=alice.tenant.pk, document_id=str(docs["u1"].pk))
        assert made == 2 and document_chunk(tenant_id=alice.tenant.pk,
                                            document_id=str(docs["u1"].pk)) == 0  # fmt: skip
        assert document_chunk(tenant_id=alice.tenant.pk, document_id=str(docs["u2"].pk)) == 0
    assert [m.metadata["page"] for m in _chunks(alice.tenant, "u1")] == [1, 2]
    assert not _chunks(alice.tenant, "u2")
    assert Document.unscoped.get(pk=docs["u2"].pk).status == "refused"


def test_a_document_left_queued_is_queued_again(alice, settings, monkeypatch):
    # the add committed but its task never ran (Redis was down, or the worker died)
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from apps.multimodal.tasks import chunk_document, requeue_queued_documents

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to Redis: Connection refused.")

    settings.DOCUMENT_SYNC_CHUNKS = 0
    monkeypatch.setattr(chunk_document, "apply_async", broker_down)  # Redis down at the add
    for user in ("old", "new"):
        assert _add(alice, "/v1/memory/add", _pdf(), user_id=user).status_code == 200
    monkeypatch.undo()  # Redis is back
    assert set(Document.unscoped.values_list("status", flat=True)) == {"queued"}
    Document.unscoped.filter(user_id="old").update(created_at=timezone.now() - timedelta(minutes=5))
    assert requeue_queued_documents.apply().get() == 1  # the old one; the new one has time
    Document.unscoped.filter(user_id="old").update(status="done")
    assert requeue_queued_documents.apply().get() == 0
