"""Narration of a skeleton page by an LLM, when one is configured (LLM_API_BASE, LLM_MODEL,
LLM_API_KEY, LLM_TIMEOUT, LLM_MAX_RETRIES: the pipeline's settings) and the job asks for it.

Bounded context per page: the page's skeleton (WIKI_LLM_PAGE_CHARS at most) and the source lines
of the symbols it lists (WIKI_LLM_SOURCE_LINES per symbol, WIKI_LLM_CONTEXT_CHARS in all), each
line numbered as `path:line`, and the model is asked to cite `file:line`. The wiki does not import
the pipeline's client (apps on layer 3 stay independent); this is the same few lines over httpx,
the key only in the header. Any failure returns None: the caller keeps the skeleton and says so."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

SYSTEM = (
    "You document a code repository. Using ONLY the page skeleton and the source excerpts given, "
    "write a short Markdown explanation (at most 3 paragraphs) of what this part of the code does "
    "and how its pieces fit together. Cite the code as `path:line` (as numbered in the excerpts). "
    "Do not invent names that are not in the excerpts. No headings of level 1."
)


def source_excerpts(*, root: Path, symbols: list[dict[str, Any]]) -> str:
    """The symbols' lines, numbered `path:line`, within the settings' bounds."""
    budget = settings.WIKI_LLM_CONTEXT_CHARS
    per_symbol = settings.WIKI_LLM_SOURCE_LINES
    cache: dict[str, list[str]] = {}
    parts: list[str] = []
    for s in symbols:
        if s["path"] not in cache:
            try:
                cache[s["path"]] = (root / s["path"]).read_text(errors="replace").splitlines()
            except OSError:
                cache[s["path"]] = []
        lines = cache[s["path"]]
        first, last = s["line"], min(s["end_line"], s["line"] + per_symbol - 1)
        block = "\n".join(f"{s['path']}:{n}: {lines[n - 1]}" for n in range(first, last + 1)
                          if 0 < n <= len(lines))  # fmt: skip
        if not block:
            continue
        if len(block) > budget:
            break
        parts.append(block)
        budget -= len(block)
    return "\n\n".join(parts)


def narrate(*, skeleton: str, excerpts: str) -> str | None:
    """The model's explanation, or None when no LLM answers (no configuration, an error, an
    empty reply)."""
    if not settings.LLM_API_BASE:
        return None
    prompt = (f"Page skeleton:\n{skeleton[: settings.WIKI_LLM_PAGE_CHARS]}\n\n"
              f"Source excerpts:\n{excerpts or '(none)'}")  # fmt: skip
    body = {"model": settings.LLM_MODEL, "temperature": 0, "max_tokens": 800,
            "messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": prompt}]}  # fmt: skip
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    url = settings.LLM_API_BASE.rstrip("/") + "/chat/completions"
    for attempt in range(settings.LLM_MAX_RETRIES + 1):
        try:
            response = httpx.post(url, json=body, headers=headers, timeout=settings.LLM_TIMEOUT)
            if response.status_code >= 500 or response.status_code == 429:
                logger.warning("wiki narration: HTTP %s (attempt %d)", response.status_code,
                               attempt + 1)  # fmt: skip
                continue
            if response.status_code >= 400:
                return None
            text = str(response.json()["choices"][0]["message"]["content"] or "").strip()
            return text or None
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            logger.warning("wiki narration failed (attempt %d): %s", attempt + 1,
                           type(exc).__name__)  # fmt: skip
    return None


def narrated_page(*, skeleton: str, narration: str | None) -> tuple[str, bool]:
    """The page as stored: the narration above the skeleton, or the skeleton with a note."""
    if narration is None:
        note = ("> Narration by the language model failed for this page; what follows is the "
                "skeleton generated from the code.")  # fmt: skip
        return _after_title(skeleton, note), False
    return _after_title(skeleton, f"## Explanation\n\n{narration}"), True


def _after_title(page: str, block: str) -> str:
    title, _, rest = page.partition("\n")
    return f"{title}\n\n{block}\n{rest}"
