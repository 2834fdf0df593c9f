"""Document URLs: fetched only with DOCUMENT_URL_FETCH on, from public addresses only (the rules
of apps.core.netguard, shared with the wiki connectors), size-bounded, redirects checked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.memories.models import Memory, Message
from apps.multimodal.models import Document
from tests.multimodal.pdfmake import pdf_bytes

pytestmark = pytest.mark.django_db
PDF = pdf_bytes(["The lighthouse keeper is named Orla Quint."])


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/doc.pdf":
            self._send(200, PDF, "application/pdf")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/doc.pdf")
            self.end_headers()
        elif self.path == "/big.txt":
            self._send(200, b"w" * 5000, "text/plain")
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _add(actor, part: dict):
    return actor.client().post("/v3/memories/add/", {"user_id": "u1", "messages": [
        {"role": "user", "content": part}]}, format="json")  # fmt: skip


def _pdf(url: str) -> dict:
    return {"type": "pdf_url", "pdf_url": {"url": url}}


def _assert_refused(response, code: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code, response.content
    assert not Message.unscoped.exists() and not Document.unscoped.exists()
    assert not Memory.unscoped.exists()


def test_urls_are_not_fetched_by_default(alice, server):
    _assert_refused(_add(alice, _pdf(f"{server}/doc.pdf")), "document_url_fetch_disabled")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "169.254.169.254", "[::1]"])
def test_private_addresses_are_refused_when_fetching_is_on(alice, settings, server, host):
    settings.DOCUMENT_URL_FETCH = True
    port = server.rsplit(":", 1)[1]
    _assert_refused(_add(alice, _pdf(f"http://{host}:{port}/doc.pdf")), "document_address_refused")


def test_other_schemes_are_refused(alice, settings):
    settings.DOCUMENT_URL_FETCH = True
    _assert_refused(_add(alice, _pdf("ftp://example.com/doc.pdf")), "document_invalid_base64")


def test_a_fetched_pdf_is_kept_with_its_url(alice, settings, server):
    settings.DOCUMENT_URL_FETCH = True
    settings.OUTBOUND_ALLOW_PRIVATE = True  # the test server is on loopback
    response = _add(alice, _pdf(f"{server}/moved"))  # a redirect, followed and checked
    assert response.status_code == 200, response.content
    doc = Document.unscoped.get(tenant=alice.tenant)
    assert doc.url == f"{server}/moved" and bytes(doc.data) == PDF  # the URL as sent
    chunk = Memory.unscoped.get(tenant=alice.tenant, kind="document")
    assert "Orla Quint" in chunk.value and chunk.metadata["page"] == 1


@pytest.mark.parametrize(("path", "code"), [("/big.txt", "document_too_large"),
                                            ("/missing", "document_fetch_failed")])  # fmt: skip
def test_fetch_failures_are_refused(alice, settings, server, path, code):
    settings.DOCUMENT_URL_FETCH = True
    settings.OUTBOUND_ALLOW_PRIVATE = True
    settings.DOCUMENT_MAX_BYTES = 1024
    _assert_refused(_add(alice, {"type": "txt_url", "txt_url": {"url": server + path}}), code)


def test_the_wiki_alias_still_allows_private_addresses(settings):
    from apps.core import netguard

    settings.OUTBOUND_ALLOW_PRIVATE = False
    settings.WIKI_CONNECTORS_ALLOW_PRIVATE = True
    netguard.url_check(url="http://127.0.0.1:9/")  # no refusal
    settings.WIKI_CONNECTORS_ALLOW_PRIVATE = False
    with pytest.raises(netguard.AddressRefused) as refused:
        netguard.url_check(url="http://127.0.0.1:9/")
    assert refused.value.reason == "refused"
