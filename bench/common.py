"""Shared by the benchmarks: start a real server (uvicorn, over HTTP) on its own database, make a
tenant and key, and talk to it."""

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

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def bench_env(database: str, backend: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_NAME": database,
        "EMBEDDING_BACKEND": backend,
        "RATE_LIMIT_PER_MINUTE": "100000000",
    }


def prepare_database(env: dict[str, str]) -> None:
    manage("migrate", "--noinput", env=env)
    manage("reembed", "--resize", env=env)  # column dimension follows the backend


@contextlib.contextmanager
def spawned_server(
    *, database: str, backend: str, workers: int = 1, tenant: str | None = None
) -> Iterator[tuple[str, str]]:
    """(base_url, api key) of a server on DATABASE_NAME=`database`, for `tenant` (made if new)."""
    env = bench_env(database, backend)
    prepare_database(env)
    slug = tenant or f"bench-{int(time.time())}"
    if not tenant:
        manage("create_tenant", slug, env=env)
    key = manage("create_api_key", "--tenant", slug, "--name", "bench", env=env).strip()
    key = key.splitlines()[-1]
    port = _free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "uvicorn", "memplatform.asgi:application", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.3)
        yield base, key
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def client(base: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
