"""Wiki connector fetch throughput from a loopback S3 server (moto), files/s and MB/s.

    python bench/wiki_fetch.py                # 2,000 files, ~16 MB (sizes 1-16 KiB, like a repo)
    python bench/wiki_fetch.py --files 500    # quicker
    python bench/wiki_fetch.py --tiny         # seconds: proves it runs (the suite's smoke run)

A generated tree is uploaded to moto's server on 127.0.0.1, then fetched with the connector's own
code (apps.wiki.connectors.backends: the s3 source, its listing and its bounded, batched fetch)
into a fresh directory, `--repeat` times; the listing and the whole fetch are timed apart. No
database is used (`--database` is accepted for the smoke run and ignored). moto's server runs as its own
process on the same two cores, so the figures include its CPU time: a lower bound of what a real
S3 endpoint on a fast network gives. A plain boto3 client reading the objects one at a time is
measured last, as the reference for the same server."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")

ACCESS, SECRET = "AKIABENCH", "bench-secret"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _upload(endpoint: str, files: int, seed: int) -> int:
    import boto3

    rng = random.Random(seed)
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS,
                          aws_secret_access_key=SECRET, region_name="us-east-1")  # fmt: skip
    client.create_bucket(Bucket="bench-repo")
    total = 0
    for i in range(files):
        size = rng.randint(1024, 16 * 1024)
        key = f"repo/pkg{i % 20}/mod{i % 7}/file_{i}.py"
        client.put_object(Bucket="bench-repo", Key=key, Body=rng.randbytes(size))
        total += size
    return total


def _wait(endpoint: str) -> None:
    import httpx

    for _ in range(100):
        try:
            httpx.get(endpoint, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"moto's server did not start at {endpoint}")


def _boto3_sequential(endpoint: str) -> float:
    """Seconds for a plain boto3 client to GET every object one after another: the reference."""
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS,
                          aws_secret_access_key=SECRET, region_name="us-east-1")  # fmt: skip
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(
        Bucket="bench-repo") for o in page.get("Contents", [])]  # fmt: skip
    start = time.perf_counter()
    for key in keys:
        client.get_object(Bucket="bench-repo", Key=key)["Body"].read()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--database", help="ignored (no database is used)")
    parser.add_argument("--out", help="directory for wiki_fetch-<time>.json")
    args = parser.parse_args()
    files, repeat = (30, 1) if args.tiny else (args.files, args.repeat)

    import django

    django.setup()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    from django.conf import settings

    from apps.wiki.connectors import backends

    settings.WIKI_CONNECTORS_ALLOW_PRIVATE = True  # moto is on loopback
    settings.WIKI_FETCH_MAX_FILES = files + 1
    settings.WIKI_FETCH_MAX_BYTES = 2**31 - 1
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from moto.server import main; main()", "-H", "127.0.0.1",
         "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _wait(endpoint)
        size = _upload(endpoint, files, seed=14)
        config = {"endpoint": endpoint, "bucket": "bench-repo", "prefix": "repo",
                  "region": "us-east-1", "access_key": ACCESS, "secret_key": SECRET}  # fmt: skip
        listings, fetches = [], []
        for _ in range(repeat):
            dest = Path(tempfile.mkdtemp(prefix="wiki-fetch-"))
            try:
                with backends.source_open(kind="s3", config=config) as source:
                    start = time.perf_counter()
                    counted = backends.file_count(source=source)
                    listings.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    got = backends.tree_fetch(source=source, dest=dest)
                    fetches.append(time.perf_counter() - start)
                assert counted == files and got.files == files and got.bytes == size
                assert sum(1 for p in dest.rglob("*") if p.is_file()) == files
            finally:
                shutil.rmtree(dest, ignore_errors=True)
        baseline = _boto3_sequential(endpoint)
    finally:
        server.terminate()
        server.wait(timeout=30)
    fetch_s = statistics.median(fetches)
    figures = {
        "files": files, "bytes": size, "repeat": repeat, "batch": backends.BATCH,
        "listing_s": round(statistics.median(listings), 3), "fetch_s": round(fetch_s, 3),
        "files_per_s": round(files / fetch_s, 1), "mb_per_s": round(size / 1e6 / fetch_s, 2),
        "boto3_sequential_files_per_s": round(files / baseline, 1),
    }  # fmt: skip
    print(f"s3 (moto, loopback): {files} files, {size / 1e6:.1f} MB; listing "
          f"{figures['listing_s']} s; fetch {figures['fetch_s']} s = "
          f"{figures['files_per_s']} files/s, {figures['mb_per_s']} MB/s (median of {repeat})")  # fmt: skip
    print(f"baseline, boto3 one GET at a time: {figures['boto3_sequential_files_per_s']} files/s")
    if args.out:
        path = Path(args.out) / f"wiki_fetch-{int(time.time())}.json"
        path.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
