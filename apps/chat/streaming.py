"""Server-sent events out of a Django view, relayed as they are produced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from rest_framework.request import Request


def relay_stream(
    lines: Iterator[bytes], request: Request
) -> Iterator[bytes] | AsyncIterator[bytes]:
    """Under ASGI Django would buffer a plain iterator; pull it chunk by chunk off the event
    loop instead, so each upstream chunk reaches the client as it arrives."""
    if not isinstance(request._request, ASGIRequest):
        return lines
    pull = sync_to_async(next, thread_sensitive=False)
    end = object()

    async def relay() -> AsyncIterator[bytes]:
        while (chunk := await pull(lines, end)) is not end:
            yield chunk

    return relay()


def sse_response(lines: Iterator[bytes], request: Request) -> StreamingHttpResponse:
    response = StreamingHttpResponse(relay_stream(lines, request), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies: do not buffer
    return response
