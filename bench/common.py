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


def _setup(env: dict[str, str], *args: str) -> str:
    """Run this file's set-up (below) in one Django process with the benchmark's environment."""
    out = subprocess.run(
        [PYTHON, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"benchmark set-up {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout


BENCH_REDIS_DB = "7"  # the benchmarks' queues, apart from a platform running on db 0 (default)


def bench_env(database: str, backend: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_NAME": database,
        "EMBEDDING_BACKEND": backend,
        "RATE_LIMIT_PER_MINUTE": "100000000",
        # BENCH_REDIS_DB, else an explicit REDIS_DB (the smoke run's), else db 7
        "REDIS_DB": os.environ.get("BENCH_REDIS_DB")
        or os.environ.get("REDIS_DB")
        or BENCH_REDIS_DB,
    }


def prepare_database(env: dict[str, str], tenant: str | None = None) -> str | None:
    """Migrate (a new database is created on first use) and fit the vector column; with
    `tenant`, make it if new and return a new key of it (for `spawned_server(key=...)`)."""
    out = _setup(env, "--fresh", "--migrate", *(["--tenant", tenant] if tenant else []))
    return out.strip().splitlines()[-1] if tenant else None


@contextlib.contextmanager
def spawned_server(
    *,
    database: str,
    backend: str,
    workers: int = 1,
    tenant: str | None = None,
    prepare: bool = True,
    key: str | None = None,
    extra_env: dict[str, str] | None = None,
    worker_queues: str | None = None,
) -> Iterator[tuple[str, str]]:
    """(base_url, api key) of a server on DATABASE_NAME=`database`, for `tenant` (made if new);
    `prepare=False` when the caller has already migrated that database, `key` when it has made
    the tenant and its key too (`prepare_database(env, tenant)`); `extra_env` for the server's
    own settings; `worker_queues` ("graph") starts a Celery worker on those queues as well,
    after emptying them (`queues_wait` waits for it to finish what was queued)."""
    env = {**bench_env(database, backend), **(extra_env or {})}
    if key is None:
        slug = tenant or f"bench-{int(time.time())}"
        key = _setup(env, *(["--fresh", "--migrate"] if prepare else []), "--tenant", slug)
        key = key.strip().splitlines()[-1]
    port = _free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "uvicorn", "memplatform.asgi:application", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    worker = None
    if worker_queues:
        celery = [PYTHON, "-m", "celery", "-A", "memplatform"]
        subprocess.run([*celery, "purge", "-f", "-Q", worker_queues], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
        worker = subprocess.Popen(
            [*celery, "worker", "-Q", worker_queues, "--concurrency", "1", "--loglevel", "WARNING"],
            cwd=ROOT, env=env,
        )  # fmt: skip
    try:
        deadline = (
            time.monotonic() + 180
        )  # a loaded machine (the smoke run starts every benchmark at once)
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
        for running in (proc, worker):
            if running is not None:
                running.terminate()
                running.wait(timeout=60)


def queues_wait(base: str, queues: str, *, timeout: float = 3600) -> float:
    """Seconds until the server's /metrics shows `queues` empty three polls in a row (a worker
    takes one task at a time: acks late, prefetch 1)."""
    started = time.monotonic()
    names = queues.split(",")
    empty = 0
    while empty < 3 and time.monotonic() - started < timeout:
        text = httpx.get(f"{base}/metrics", timeout=10).text
        waiting = sum(
            float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line.startswith("memplatform_celery_queue_length")
            and any(f'queue="{name}"' in line for name in names)
        )  # fmt: skip
        empty = empty + 1 if waiting == 0 else 0
        time.sleep(1)
    return round(time.monotonic() - started, 1)


def client(base: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_summary(name: str, times: list[float], unit: str = "requests") -> dict[str, float]:
    """n, p50, p95 and mean (ms) of `times`, printed as one line and returned for the results."""
    import statistics

    figures = {"n": len(times), "p50": round(percentile(times, 50), 2),
               "p95": round(percentile(times, 95), 2), "mean": round(statistics.mean(times), 2)}  # fmt: skip
    print(f"{name}: p50 {figures['p50']} ms, p95 {figures['p95']} ms, mean {figures['mean']} ms "
          f"({figures['n']} {unit})", flush=True)  # fmt: skip
    return figures


def _recreate_database() -> None:
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    name = connection.settings_dict["NAME"]
    connection.close()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _setup_main() -> None:
    """`python bench/common.py [--fresh] [--migrate] [--tenant SLUG]`: start from an empty
    database, migrate and fit the vector column to the embedding backend; make the tenant if new and print a new `memory` key of it. One Django
    start for what took four `manage.py` runs."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="drop and create the database")
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--tenant")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")
    import io

    import django

    django.setup()
    from django.core.management import call_command

    if args.fresh:  # a figure from a database left over from an earlier run is not a figure
        _recreate_database()
    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("reembed", resize=True, stdout=io.StringIO())
    if args.tenant:
        from apps.tenants.models import Tenant

        if not Tenant.objects.filter(slug=args.tenant).exists():
            call_command("create_tenant", args.tenant, stdout=io.StringIO())
        out = io.StringIO()
        call_command("create_api_key", tenant=args.tenant, name="bench", scopes="memory",
                     stdout=out, stderr=io.StringIO())  # fmt: skip
        print(out.getvalue().strip().splitlines()[-1])


if __name__ == "__main__":
    _setup_main()
