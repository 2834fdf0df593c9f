"""Parsing a multimodal message's `contents` (and mem0's image_url parts) into checked parts.

Every refusal is a 400 in the envelope with its own code, raised before anything is written:
`empty_contents`, `invalid_part`, `unknown_part_type`, `duplicate_modality`, `wrong_dimension`,
`non_finite_vector`, `zero_vector`, `invalid_base64`, `invalid_data_url`, `object_too_large`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

from apps.core.errors import BadRequest
from apps.multimodal.models import MODALITIES

MAX_PARTS = 32
HALF_MAX = 65504.0  # the largest float16: vectors are stored in half precision
MAX_URL = 2048
MAX_CAPTION = 2000
# What the OpenAPI schema publishes (apps.multimodal.api) is what is checked here, exactly.
MIME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$"
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
URL_PATTERN = r"^(?:[Hh][Tt][Tt][Pp][Ss]?://|[Dd][Aa][Tt][Aa]:)\S+$"
_MIME = re.compile(MIME_PATTERN)
_BASE64 = re.compile(BASE64_PATTERN)
_URL = re.compile(URL_PATTERN)
_DATA_URL = re.compile(r"^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$", re.DOTALL | re.I)


@dataclass
class Payload:
    data: bytes
    content_type: str
    sha256: str


@dataclass
class Part:
    type: str  # text | image | audio
    text: str = ""
    caption: str = ""
    url: str = ""
    embedding: list[float] | None = None
    payload: Payload | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def modality_dim(modality: str) -> int:
    return {"image": settings.MULTIMODAL_IMAGE_DIM, "audio": settings.MULTIMODAL_AUDIO_DIM}[
        modality
    ]


def modality_check(modality: Any) -> str:
    if modality not in MODALITIES:
        raise BadRequest(f"modality must be one of {', '.join(MODALITIES)}, got {modality!r}",
                         code="unknown_modality")  # fmt: skip
    return modality


def vector_check(value: Any, *, modality: str, where: str = "embedding") -> list[float]:
    """A list of numbers of the modality's dimension, finite and with a direction in half
    precision (the stored type): a zero vector has no cosine with anything."""
    dim = modality_dim(modality)
    if not isinstance(value, list) or not all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in value
    ):
        raise BadRequest(f"{where} must be a list of numbers", code="invalid_vector")
    if len(value) != dim:
        raise BadRequest(f"{where}: {modality} embeddings have {dim} dimensions, got {len(value)}",
                         code="wrong_dimension")  # fmt: skip
    try:
        finite = all(math.isfinite(x) for x in value)
    except OverflowError:  # an integer literal beyond any float
        finite = False
    if not finite:
        raise BadRequest(f"{where} holds NaN or infinite values", code="non_finite_vector")
    with np.errstate(over="ignore"):
        half = np.asarray(value, dtype=np.float16).astype(np.float64)
    if not np.isfinite(half).all() or max(abs(x) for x in value) > HALF_MAX:
        raise BadRequest(f"{where} holds values beyond ±65504 (stored in half precision)",
                         code="non_finite_vector")  # fmt: skip
    if float(np.linalg.norm(half)) == 0.0:
        raise BadRequest(f"{where} is all zeros (in half precision): it has no direction",
                         code="zero_vector")  # fmt: skip
    return [float(x) for x in value]


def _payload(raw: bytes, content_type: str) -> Payload:
    limit = settings.MULTIMODAL_OBJECT_MAX_BYTES
    if len(raw) > limit:
        raise BadRequest(f"object payload is {len(raw)} bytes; the limit is {limit}",
                         code="object_too_large")  # fmt: skip
    return Payload(data=raw, content_type=content_type, sha256=hashlib.sha256(raw).hexdigest())


def _b64(text: str, where: str) -> bytes:
    # Refused before decoding when it cannot fit: 4 characters make 3 bytes.
    if len(text) > (settings.MULTIMODAL_OBJECT_MAX_BYTES + 2) // 3 * 4 + 4:
        raise BadRequest(f"{where} is larger than {settings.MULTIMODAL_OBJECT_MAX_BYTES} bytes",
                         code="object_too_large")  # fmt: skip
    if not _BASE64.match(text):
        raise BadRequest(f"{where} is not valid base64 (padded, no whitespace)",
                         code="invalid_base64")  # fmt: skip
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{where} is not valid base64", code="invalid_base64") from None


def _mime(value: Any, default: str) -> str:
    if value in (None, ""):
        return default
    if not isinstance(value, str) or not _MIME.match(value):
        raise BadRequest(f"mime_type {value!r} is not a media type", code="invalid_part")
    return value.lower()


def data_url_payload(url: str) -> Payload:
    """A data: URL's bytes (base64 or percent-encoded) and media type."""
    match = _DATA_URL.match(url)
    if not match:
        raise BadRequest("a data: URL must look like data:<type>;base64,<data>",
                         code="invalid_data_url")  # fmt: skip
    mime, _, is_b64, body = match.groups()
    content_type = _mime(mime or None, "text/plain")
    if is_b64:
        return _payload(_b64(body, "the data: URL"), content_type)
    from urllib.parse import unquote_to_bytes

    return _payload(unquote_to_bytes(body), content_type)


def _text(value: Any, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string", code="invalid_part")
    if len(value) > limit:
        raise BadRequest(f"{name} is longer than {limit} characters", code="invalid_part")
    return value.strip()


def _url(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not _URL.match(value):
        raise BadRequest("url must be an http(s) or data: URL without spaces", code="invalid_part")
    if value[:5].lower() != "data:" and len(value) > MAX_URL:  # a data: URL: the object limit
        raise BadRequest(f"url is longer than {MAX_URL} characters", code="invalid_part")
    return value


def _media_part(kind: str, raw: dict[str, Any], index: int) -> Part:
    where = f"contents[{index}]"
    nulls = [key for key in ("caption", "url", "embedding", "data", "mime_type")
             if key in raw and raw[key] is None]  # fmt: skip
    if nulls:
        raise BadRequest(f"{where}.{nulls[0]} must not be null; leave it out", code="invalid_part")
    part = Part(type=kind, caption=_text(raw.get("caption"), f"{where}.caption", MAX_CAPTION))
    if "caption" in raw and not part.caption:
        raise BadRequest(f"{where}.caption is blank; leave it out", code="invalid_part")
    part.url = _url(raw.get("url"))
    if raw.get("embedding") is not None:
        part.embedding = vector_check(raw["embedding"], modality=kind, where=f"{where}.embedding")
    if raw.get("data") is not None:
        if not isinstance(raw["data"], str):
            raise BadRequest(f"{where}.data must be a base64 string", code="invalid_base64")
        default = "application/octet-stream"
        part.payload = _payload(_b64(raw["data"], f"{where}.data"),
                                _mime(raw.get("mime_type"), default))  # fmt: skip
    elif part.url.lower().startswith("data:"):
        part.payload = data_url_payload(part.url)
    if part.url.lower().startswith("data:"):
        part.url = ""  # the payload is kept as an object; the URL would only repeat it
    if part.embedding is None and part.payload is None and not part.url and not part.caption:
        raise BadRequest(f"{where}: an {kind} part needs an embedding, a caption, a url or data",
                         code="invalid_part")  # fmt: skip
    return part


def contents_parse(contents: Any) -> list[Part]:
    if not isinstance(contents, list) or not contents:
        raise BadRequest("contents must be a non-empty list of parts", code="empty_contents")
    if len(contents) > MAX_PARTS:
        raise BadRequest(f"at most {MAX_PARTS} parts per message", code="invalid_part")
    parts: list[Part] = []
    for index, raw in enumerate(contents):
        if not isinstance(raw, dict):
            raise BadRequest(f"contents[{index}] must be an object", code="invalid_part")
        kind = raw.get("type")
        if kind == "text":
            text = _text(raw.get("text"), f"contents[{index}].text",
                         settings.MEMORY_CONTENT_MAX_CHARS)  # fmt: skip
            if not text:
                raise BadRequest(f"contents[{index}].text is missing or blank",
                                 code="invalid_part")  # fmt: skip
            parts.append(Part(type="text", text=text))
        elif kind in MODALITIES:
            parts.append(_media_part(kind, raw, index))
        else:
            raise BadRequest(f"contents[{index}].type must be text, image or audio, got {kind!r}",
                             code="unknown_part_type")  # fmt: skip
    for modality in MODALITIES:
        if sum(1 for p in parts if p.type == modality and p.embedding is not None) > 1:
            raise BadRequest(f"at most one {modality} embedding per message; store the others "
                             "as their own messages", code="duplicate_modality")  # fmt: skip
    if sum(len(p.text) for p in parts) > settings.MEMORY_CONTENT_MAX_CHARS:
        raise BadRequest("the text parts are too long", code="invalid_part")
    return parts


def image_url_part(raw: dict[str, Any]) -> Part:
    """An OpenAI content part {"type": "image_url", "image_url": {"url": ...}} (or the URL as a
    string). Remote URLs are kept, never fetched; a data: URL's bytes are kept as an object."""
    ref = raw.get("image_url")
    url = ref.get("url") if isinstance(ref, dict) else ref
    if not isinstance(url, str) or not url.strip():
        raise BadRequest("an image_url part needs image_url.url", code="invalid_part")
    url = url.strip()
    if url.lower().startswith("data:"):
        return Part(type="image", payload=data_url_payload(url))
    return Part(type="image", url=_url(url))
