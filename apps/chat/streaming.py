"""Server-sent events out of a Django view, relayed as they are produced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from rest_framework.request import Request


def relay_stream(
    lines: Iterator[bytes], request: Request, abort: Callable[[], None] | None = None
) -> Iterator[bytes] | AsyncIterator[bytes]:
    """Under ASGI Django would buffer a plain iterator; pull it chunk by chunk off the event
    loop instead, so each upstream chunk reaches the client as it arrives. When the client
    hangs up before the end, `abort` (e.g. closing the upstream connection) runs, so the model
    stops producing what nobody will read."""
    if not isinstance(request._request, ASGIRequest):
        return lines
    pull = sync_to_async(next, thread_sensitive=False)
    end = object()

    async def relay() -> AsyncIterator[bytes]:
        finished = False
        try:
            while (chunk := await pull(lines, end)) is not end:
                yield chunk
            finished = True
        finally:
            if not finished and abort is not None:
                await sync_to_async(abort, thread_sensitive=False)()

    return relay()


def sse_response(
    lines: Iterator[bytes], request: Request, abort: Callable[[], None] | None = None
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        relay_stream(lines, request, abort), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies: do not buffer
    return response
