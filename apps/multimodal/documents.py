"""Document parts of an add's messages (mem0's `pdf_url`, `mdx_url`, `txt_url`): checked and read
while the request is validated, so that a bad document is a 400 before anything is written.

A part is `{"type": "pdf_url", "pdf_url": {"url": ...}}` (or the URL as a string), where `url` is
a data: URL, bare base64 (as mem0's docs send a local file) or an http(s) URL; `data` (base64) and,
for mdx/txt, `text` are accepted in place of `url`. An http(s) URL is fetched only when
DOCUMENT_URL_FETCH is on, from public addresses only (apps.core.netguard).

Refusals, each a 400 with its code: `document_invalid`, `document_invalid_base64`,
`document_too_large`, `document_unparsable` (not a PDF, or not UTF-8 text), `document_empty`,
`document_url_fetch_disabled`, `document_address_refused`, `document_host_not_found`,
`document_fetch_failed`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings

from apps.core import netguard
from apps.core.errors import BadRequest

logger = logging.getLogger(__name__)

KINDS = {"pdf_url": "pdf", "mdx_url": "mdx", "txt_url": "txt"}
CONTENT_TYPES = {"pdf": "application/pdf", "mdx": "text/markdown", "txt": "text/plain"}
MAX_URL = 2048
MAX_PAGES = 2000
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
_DATA_URL = re.compile(r"^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$", re.DOTALL | re.I)
# A sentence ends at . ! ? (then a space), at a Chinese / full-width stop (no space needed) or
# at a line end (a PDF's lines); the split keeps the separator.
_SENTENCE = re.compile(r"((?<=[.!?])\s+|(?<=[。！？；…])|\s*\n\s*)")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass
class Chunk:
    text: str
    page: int  # 1-based; a chunk never spans pages, so a hit names the page it is on
    index: int = 0


@dataclass
class DocumentPart:
    kind: str  # pdf | mdx | txt
    data: bytes
    content_type: str
    sha256: str
    url: str = ""  # where it was fetched from ("" for a payload)
    page_count: int = 1
    chars: int = 0
    chunks: list[Chunk] = field(default_factory=list)


def _bad(message: str, code: str, **details: Any) -> BadRequest:
    return BadRequest(message, code=code, details=details or None)


def _limit() -> int:
    return settings.DOCUMENT_MAX_BYTES


def _too_large(size: int) -> BadRequest:
    return _bad(f"the document is {size} bytes; the limit is {_limit()}", "document_too_large")


def _b64(text: str, where: str) -> bytes:
    text = text.strip()
    if len(text) > (_limit() + 2) // 3 * 4 + 4:  # refused before decoding: 4 characters, 3 bytes
        raise _bad(f"{where} is larger than {_limit()} bytes", "document_too_large")
    if not text or not _BASE64.match(text):
        raise _bad(f"{where} is not valid base64 (padded, no whitespace)",
                   "document_invalid_base64")  # fmt: skip
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{where} is not valid base64", "document_invalid_base64") from None


def _data_url(url: str) -> tuple[bytes, str]:
    match = _DATA_URL.match(url)
    if not match:
        raise _bad("a data: URL must look like data:<type>;base64,<data>", "document_invalid")
    mime, _, is_b64, body = match.groups()
    data = _b64(body, "the data: URL") if is_b64 else unquote_to_bytes(body)
    return data, (mime or "").strip().lower()


def _fetch(url: str) -> tuple[bytes, str]:
    if len(url) > MAX_URL:
        raise _bad(f"url is longer than {MAX_URL} characters", "document_invalid")
    if not settings.DOCUMENT_URL_FETCH:
        raise _bad("fetching documents from URLs is off (DOCUMENT_URL_FETCH); send the document "
                   "as base64 or text", "document_url_fetch_disabled")  # fmt: skip
    try:
        got = netguard.url_fetch(url=url, max_bytes=_limit(),
                                 timeout=settings.DOCUMENT_FETCH_TIMEOUT)  # fmt: skip
    except netguard.AddressRefused as exc:
        code = {"refused": "document_address_refused", "not_found": "document_host_not_found"}
        raise _bad(exc.message, code.get(exc.reason, "document_invalid"), field="url") from None
    except netguard.FetchFailed as exc:
        code = "document_too_large" if exc.reason == "too_large" else "document_fetch_failed"
        raise _bad(exc.message, code, field="url") from None
    return got.data, got.content_type


def _payload(kind: str, ref: dict[str, Any]) -> tuple[bytes, str, str]:
    """(bytes or text as UTF-8, content type, the URL fetched or "")."""
    given = [key for key in ("url", "data", "text") if ref.get(key) not in (None, "")]
    if len(given) != 1:
        raise _bad("a document part carries one of url, data or text", "document_invalid")
    key = given[0]
    value = ref[key]
    if not isinstance(value, str):
        raise _bad(f"{key} must be a string", "document_invalid")
    if key == "text":
        if kind == "pdf":
            raise _bad("a pdf_url part carries the PDF itself (url or data), not text",
                       "document_invalid")  # fmt: skip
        data = value.encode("utf-8", "surrogatepass")
        if len(data) > _limit():
            raise _too_large(len(data))
        return data, CONTENT_TYPES[kind], ""
    if key == "data":
        return _b64(value, "data"), "", ""
    url = value.strip()
    lower = url[:8].lower()
    if lower.startswith("data:"):
        data, mime = _data_url(url)
        return data, mime, ""
    if lower.startswith(("http://", "https://")):
        data, mime = _fetch(url)
        return data, mime, url
    return _b64(url, "url"), "", ""  # mem0's docs: the file's base64 as the url


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, in order (pypdf)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5] == b"%PDF-":
        raise _bad("the document is not a PDF", "document_unparsable")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _bad("the PDF is encrypted", "document_unparsable")
        if len(reader.pages) > MAX_PAGES:  # each page costs time to read, text or not
            raise _bad(f"the PDF has more than {MAX_PAGES} pages", "document_too_large")
        return [(page.extract_text() or "") for page in reader.pages]
    except BadRequest:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, NotImplementedError, AssertionError) as exc:  # fmt: skip
        logger.info("an unparsable PDF: %s", type(exc).__name__)
        raise _bad("the PDF could not be read", "document_unparsable") from None


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad("a text document must be UTF-8", "document_unparsable") from None


def _pieces(text: str, size: int) -> list[tuple[str, str]]:
    """(separator before, piece): paragraphs; a longer one cut at sentence ends (". " or a
    Chinese stop) and line ends, keeping what separated them; a longer sentence cut at `size`."""
    out: list[tuple[str, str]] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= size:
            out.append(("\n\n", paragraph))
            continue
        split = _SENTENCE.split(paragraph)
        sep = "\n\n"
        for index in range(0, len(split), 2):
            sentence = split[index].strip()
            for start in range(0, len(sentence), size):
                out.append((sep, sentence[start : start + size]))
                sep = " "
            if index + 1 < len(split):
                raw = split[index + 1]
                sep = "\n" if "\n" in raw else (" " if raw else "")
    return out


def chunks_make(pages: list[str], *, size: int) -> list[Chunk]:
    """Each page's text as chunks of at most `size` characters, cut between paragraphs, else
    between sentences (English and Chinese stops), else at `size`. A chunk stays on its page
    (a PDF's page number is what a reader cites), so a page starts a new chunk."""
    chunks: list[Chunk] = []
    for number, page in enumerate(pages, start=1):
        current = ""
        for sep, piece in _pieces(page, size):
            joined = f"{current}{sep}{piece}" if current else piece
            if current and len(joined) > size:
                chunks.append(Chunk(text=current, page=number))
                joined = piece
            current = joined
        if current:
            chunks.append(Chunk(text=current, page=number))
    for index, chunk in enumerate(chunks):
        chunk.index = index
    return chunks


def document_part(raw: dict[str, Any]) -> DocumentPart:
    """Parse one document part: its bytes, its text (checked), its chunks."""
    part_type = raw.get("type")
    kind = KINDS[part_type]
    ref = raw.get(part_type)
    if isinstance(ref, str):
        ref = {"url": ref}
    if not isinstance(ref, dict):
        raise _bad(f"a {part_type} part needs {part_type}.url (or data, or text)",
                   "document_invalid")  # fmt: skip
    data, mime, url = _payload(kind, ref)
    if len(data) > _limit():
        raise _too_large(len(data))
    page_count, chars, chunks = document_chunks(kind=kind, data=data)
    return DocumentPart(
        kind=kind, data=data, content_type=(mime or CONTENT_TYPES[kind])[:100],
        sha256=hashlib.sha256(data).hexdigest(), url=url, page_count=page_count, chars=chars,
        chunks=chunks,
    )  # fmt: skip


def document_chunks(*, kind: str, data: bytes) -> tuple[int, int, list[Chunk]]:
    """(pages, characters, chunks) of a document's bytes; the same again for the same bytes
    (a deferred document is cut by the worker from what was stored)."""
    pages = pdf_pages(data) if kind == "pdf" else [_text(data)]
    chars = sum(len(p) for p in pages)
    if chars > settings.DOCUMENT_MAX_CHARS:
        raise _bad(f"the document's text is {chars} characters; the limit is "
                   f"{settings.DOCUMENT_MAX_CHARS}", "document_too_large")  # fmt: skip
    chunks = chunks_make([p.replace("\x00", "") for p in pages], size=settings.DOCUMENT_CHUNK_CHARS)
    if not chunks:
        raise _bad("the document has no text", "document_empty")
    return len(pages), chars, chunks
