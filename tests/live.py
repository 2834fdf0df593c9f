"""The platform itself under uvicorn (ASGI, as `make run` serves it) on the test database and
the test Redis db, for tests that need a real HTTP server: clients used unchanged, streaming,
degraded mode. Tests that use it need `django_db(transaction=True)`, so that what they create is
visible to the server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def live_platform(log_path: Path, **env: str) -> Iterator[str]:
    """The base URL of a running platform; `env` adds to or overrides its environment."""
    port = free_port()
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "memplatform.settings.test",
        "DATABASE_NAME": settings.DATABASES["default"]["NAME"],
        "REDIS_DB": str(settings.REDIS_DB),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "memplatform.asgi:application",
             "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the platform did not start:\n{log_path.read_text()}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
