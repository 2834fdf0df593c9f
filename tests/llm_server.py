"""A small OpenAI-compatible chat server for tests: a real HTTP server on a free port whose
replies are scripted per test (a reply text, an HTTP error, a stall, or broken JSON), and which
records every request it received."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    stall: float = 0.0  # seconds to wait before answering
    raw: str | None = None  # a body sent as-is (e.g. not JSON)
    chunks: list[str] | None = None  # for stream=true: the content pieces, one event each
    chunk_delay: float = 0.0  # seconds between streamed events
    cut: bool = False  # end the stream without [DONE] (a broken upstream)
    # Streams: after the first piece, hold the rest until the test sets this event (its client
    # has the first piece), at most hold_timeout seconds; held_out says the wait timed out.
    hold: threading.Event | None = None
    hold_timeout: float = 30.0
    held_out: bool = False


@dataclass
class LlmServer:
    replies: deque = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply(content='{"facts": []}'))
    url: str = ""
    aborted: int = 0  # streams the caller hung up on before the end

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def start(self) -> LlmServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body,
                                        "auth": self.headers.get("Authorization")})  # fmt: skip
                reply = server.replies.popleft() if server.replies else server.default
                if reply.stall:
                    time.sleep(reply.stall)
                if body.get("stream") and reply.status == 200 and reply.raw is None:
                    self._stream(reply, body)
                    return
                payload = reply.raw if reply.raw is not None else json.dumps({
                    "id": "chatcmpl-test", "object": "chat.completion", "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply.content}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                })  # fmt: skip
                data = payload.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
                pieces = reply.chunks if reply.chunks is not None else [reply.content]
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for index, piece in enumerate(pieces):
                        if index == 1 and reply.hold is not None:
                            reply.held_out = not reply.hold.wait(reply.hold_timeout)
                        if index and reply.chunk_delay:
                            time.sleep(reply.chunk_delay)
                        if reply.cut and index == len(pieces) // 2:
                            return
                        delta = {"content": piece} if index else {"role": "assistant",
                                                                  "content": piece}  # fmt: skip
                        self._event({"id": "chatcmpl-test", "object": "chat.completion.chunk",
                                     "model": body.get("model"), "choices": [
                                         {"index": 0, "delta": delta, "finish_reason": None}]})  # fmt: skip
                    self._event({"id": "chatcmpl-test", "object": "chat.completion.chunk",
                                 "model": body.get("model"),
                                 "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})  # fmt: skip
                    self._event({"id": "chatcmpl-test", "object": "chat.completion.chunk",
                                 "model": body.get("model"), "choices": [],
                                 "usage": {"prompt_tokens": 10, "completion_tokens": len(pieces),
                                           "total_tokens": 10 + len(pieces)}})  # fmt: skip
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    server.aborted += 1

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
