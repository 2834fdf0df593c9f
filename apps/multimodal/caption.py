"""Describing an image with the configured LLM (LLM_API_BASE / LLM_MODEL), when the operator says
it accepts images (MULTIMODAL_CAPTION_IMAGES). An OpenAI-compatible chat call with one
`image_url` part; the reply's text is the caption. Bounded by LLM_TIMEOUT and LLM_MAX_RETRIES;
every failure is a CaptionError, which leaves the item without a caption. (Its own few lines
rather than apps.pipeline.llm: the two apps stand side by side and do not import each other.)"""

from __future__ import annotations

import logging

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)
PROMPT = (
    "Describe this image in one or two plain sentences for a memory search index: who or what "
    "is shown, where, and any readable text. Answer with the description only."
)


class CaptionError(Exception):
    pass


def captioning_on() -> bool:
    return bool(settings.MULTIMODAL_CAPTION_IMAGES and settings.LLM_API_BASE)


def describe(*, image_url: str, max_chars: int) -> str:
    if not captioning_on():
        raise CaptionError("no image-capable LLM configured")
    content = [{"type": "text", "text": PROMPT},
               {"type": "image_url", "image_url": {"url": image_url}}]  # fmt: skip
    body = {"model": settings.LLM_MODEL, "temperature": 0, "max_tokens": 200,
            "messages": [{"role": "user", "content": content}]}  # fmt: skip
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    url = settings.LLM_API_BASE.rstrip("/") + "/chat/completions"
    last = "no attempt"
    for attempt in range(settings.LLM_MAX_RETRIES + 1):
        try:
            response = httpx.post(url, json=body, headers=headers, timeout=settings.LLM_TIMEOUT)
            if response.status_code >= 500 or response.status_code == 429:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise CaptionError(f"HTTP {response.status_code}")
            text = str(response.json()["choices"][0]["message"]["content"] or "").strip()
            if not text:
                raise CaptionError("empty reply")
            return " ".join(text.split())[:max_chars]
        except httpx.TimeoutException:
            last = "timeout"
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            last = type(exc).__name__
        logger.warning("image caption call failed (attempt %d): %s", attempt + 1, last)
    raise CaptionError(last)
