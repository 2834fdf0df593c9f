"""GDPR export and erasure of one user with many memories, over HTTP on a fresh database.

    python bench/privacy.py                  # a user with 10,000 memories
    python bench/privacy.py --memories 2000  # quicker
    python bench/privacy.py --tiny           # seconds: proves it runs (the suite's smoke run)

The loader (one Django process) gives the user `--memories` memories with vectors (random, at
the column's dimension: embedding 10,000 texts would measure e5, not privacy), keyword index and
statistics, an ADD version each and an UPDATE for one in ten, a raw message for one in five, and
a bystander one tenth of that. Then, through a spawned server and a real Celery worker:
an inline export (GDPR_INLINE_EXPORT_MAX_ROWS raised above the user's size for the run), an
async export (request to zip downloadable, the worker writing it), a dry run, the erasure, and a
dry run after it (must count nothing) while the bystander keeps every memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, bench_env, client, prepare_database, spawned_server

TENANT = "bench-privacy"
USER, BYSTANDER = "gdpr-bench-user", "gdpr-bench-bystander"


def _load_user(tenant, user_id: str, count: int, seed: int) -> None:
    import numpy as np

    from apps.memories.checks import column_dimension
    from apps.memories.models import Memory, MemoryVersion, Message
    from apps.memories.services import search_vectors_write, term_stats_apply
    from bench import synthetic

    dim = column_dimension() or 384
    rng = np.random.default_rng(seed)
    texts = synthetic.sentences(count, seed=seed)
    for start in range(0, count, 1000):
        chunk = texts[start : start + 1000]
        vectors = rng.standard_normal((len(chunk), dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        memories = Memory.objects.bulk_create([
            Memory(tenant=tenant, user_id=user_id, value=value, embedding=vector,
                   embedding_model="bench-random")
            for value, vector in zip(chunk, vectors, strict=True)
        ])  # fmt: skip
        search_vectors_write(memories)
        term_stats_apply(tenant_id=tenant.pk, user_id=user_id, added=chunk, removed=[])
        versions = [MemoryVersion(tenant=tenant, memory=m, version=1, event="ADD",
                                  new_value=m.value, actor="bench") for m in memories]  # fmt: skip
        versions += [MemoryVersion(tenant=tenant, memory=m, version=2, event="UPDATE",
                                   old_value=m.value, new_value=m.value + " (updated)",
                                   actor="bench") for m in memories[::10]]  # fmt: skip
        MemoryVersion.objects.bulk_create(versions)
        Message.objects.bulk_create([
            Message(tenant=tenant, user_id=user_id, content=m.value, timestamp=m.created_at)
            for m in memories[::5]
        ])  # fmt: skip


def load_main(memories: int) -> None:
    """In a Django process: the tenant, a memory+security key (printed last) and the data."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")
    import django

    django.setup()
    from apps.core.tenancy import tenant_scope
    from apps.tenants.models import Tenant
    from apps.tenants.services import api_key_create

    tenant = Tenant.objects.create(slug=TENANT, name=TENANT)
    with tenant_scope(tenant.pk):
        _load_user(tenant, USER, memories, seed=7)
        _load_user(tenant, BYSTANDER, max(memories // 10, 1), seed=8)
        issued = api_key_create(tenant=tenant, name="bench", scopes=["memory", "security"])
    print(issued.secret)


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run(base: str, key: str, memories: int) -> dict:
    figures: dict = {"memories": memories}
    with client(base, key) as http:
        http.post("/v1/security/gdpr/delete", json={"user_id": "warm", "dry_run": True})
        counted, seconds = _timed(
            lambda: http.post("/v1/security/gdpr/delete", json={"user_id": USER, "dry_run": True})
        )
        figures["dry_run_s"] = round(seconds, 3)
        figures["records"] = sum(counted.json()["receipt"]["counts"].values())

        inline, seconds = _timed(
            lambda: http.post("/v1/security/gdpr/export", json={"user_id": USER})
        )
        inline.raise_for_status()
        figures["inline_export_s"] = round(seconds, 3)
        figures["inline_export_mb"] = round(len(inline.content) / 1e6, 2)
        assert len(inline.json()["export"]["memories"]) == memories

        start = time.perf_counter()
        accepted = http.post("/v1/security/gdpr/export", json={"user_id": USER, "async": True})
        accepted.raise_for_status()
        status_url = accepted.json()["status_url"]
        deadline = time.monotonic() + 600
        while (status := http.get(status_url).json())["status"] not in ("done", "failed"):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not finish the export")
            time.sleep(0.2)
        assert status["status"] == "done", status
        zipped = http.get(status["download_url"])
        zipped.raise_for_status()
        figures["async_export_s"] = round(time.perf_counter() - start, 3)
        figures["zip_mb"] = round(len(zipped.content) / 1e6, 2)

        erased, seconds = _timed(
            lambda: http.post("/v1/security/gdpr/delete", json={"user_id": USER})
        )
        body = erased.json()
        assert body["status"] == "ok", body
        figures["erasure_s"] = round(seconds, 3)
        figures["erased"] = {k: v for k, v in body["receipt"]["counts"].items() if v}
        after = http.post("/v1/security/gdpr/delete", json={"user_id": USER, "dry_run": True})
        assert not any(after.json()["receipt"]["counts"].values()), after.json()
        bystander = http.post(
            "/v1/security/gdpr/delete", json={"user_id": BYSTANDER, "dry_run": True}
        ).json()
        assert bystander["receipt"]["counts"]["memories"] == max(memories // 10, 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memories", type=int, default=10_000)
    parser.add_argument("--tiny", action="store_true", help="50 memories: the smoke run")
    parser.add_argument("--database", default="bench_privacy")
    parser.add_argument("--backend", default="e5")
    parser.add_argument("--out", help="directory for privacy-<time>.json")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    memories = 50 if args.tiny else args.memories
    if args.load:
        load_main(memories)
        return
    os.environ["GDPR_INLINE_EXPORT_MAX_ROWS"] = "100000"  # the inline figure, at any size
    env = bench_env(args.database, args.backend)
    prepare_database(env)
    started = time.perf_counter()
    loaded = subprocess.run([sys.executable, __file__, "--load", "--memories", str(memories),
                             "--database", args.database], cwd=ROOT, env=env,
                            capture_output=True, text=True)  # fmt: skip
    if loaded.returncode != 0:
        raise RuntimeError(f"loading failed:\n{loaded.stderr[-3000:]}")
    key = loaded.stdout.strip().splitlines()[-1]
    print(f"loaded {memories} memories in {time.perf_counter() - started:.1f} s")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "memplatform", "worker", "-Q", "maintenance",
         "--concurrency", "1", "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        with spawned_server(database=args.database, backend=args.backend, key=key) as (base, k):
            figures = run(base, k, memories)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"user with {figures['memories']} memories ({figures['records']} records in all)\n"
          f"dry run (counts): {figures['dry_run_s']:.2f} s\n"
          f"inline export: {figures['inline_export_s']:.2f} s ({figures['inline_export_mb']} MB)\n"
          f"async export (request to zip downloaded, worker): {figures['async_export_s']:.2f} s "
          f"({figures['zip_mb']} MB zip)\n"
          f"erasure: {figures['erasure_s']:.2f} s, removed {figures['erased']}")  # fmt: skip
    if args.out:
        path = Path(args.out) / f"privacy-{int(time.time())}.json"
        path.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
