"""What an asynchronous add costs the client, and whether a search right after it finds the turn
(read-your-writes), over HTTP on a fresh database.

    python bench/add_latency.py               # 200 adds of each kind
    python bench/add_latency.py --adds 20     # quicker
    python bench/add_latency.py --tiny        # seconds: proves it runs (the suite's smoke run)

Three kinds of add, each a user turn of 8-20 words in English or Chinese, one request at a time:
`async` (infer on, async_mode async: what MemOS clients send by default), `sync` without infer,
and, for each async add, a keyword+vector search right after it answers, for that turn's own
words. No worker runs, so the async figures are the request alone and a found turn was stored by
the add itself, not by a worker that happened to be quick.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import client, percentile, spawned_server

EN = ["My sister {0} moved to {1} last spring and works at a bakery there.",
      "I started learning the {2} in {1} because my teacher {0} recommended it.",
      "Our team lead {0} is planning a trip to {1} with the {2} club next month."]  # fmt: skip
ZH = ["我的朋友{0}去年搬到了{1}，现在在一家面包店工作。",
      "我在{1}开始学习{2}，因为老师{0}推荐的。",
      "我们组长{0}下个月要和{2}俱乐部一起去{1}旅行。"]  # fmt: skip
NAMES = ["Amara", "Bastian", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ines",
         "Jonas", "小红", "李雷", "韩梅梅", "王芳", "张伟"]  # fmt: skip
PLACES = ["Lisbon", "Kraków", "Valparaíso", "Tromsø", "成都", "大理", "哈尔滨", "厦门"]
THINGS = ["cello", "chess", "kendo", "pottery", "书法", "围棋", "太极", "古筝"]


def turns(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        pattern = rng.choice(EN if i % 2 == 0 else ZH)
        out.append(pattern.format(rng.choice(NAMES), rng.choice(PLACES), rng.choice(THINGS))
                   + f" #{i}")  # fmt: skip
    return out


def run(base: str, key: str, adds: int) -> dict[str, float]:
    texts = turns(adds)
    async_ms, sync_ms, found = [], [], 0
    with client(base, key) as http:
        for warm in turns(3, seed=1):  # load the embedder and the connection pool
            http.post("/v1/memory/add", json={"user_id": "warm", "messages": warm})
        for i, content in enumerate(texts):
            user = f"user-{i % 10}"
            body = {"user_id": user, "messages": [{"role": "user", "content": content}],
                    "infer": True, "async_mode": "async"}  # fmt: skip
            start = time.perf_counter()
            response = http.post("/v1/memory/add", json=body)
            async_ms.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
            hits = http.post("/v1/memory/search", json={"user_id": user, "query": content,
                                                         "limit": 5}).json()["results"]  # fmt: skip
            found += any(h["memory"] == content for h in hits)
            start = time.perf_counter()
            http.post("/v1/memory/add", json={"user_id": f"sync-{i % 10}", "messages": content})
            sync_ms.append((time.perf_counter() - start) * 1000)
    return {
        "adds": adds,
        "async_p50": percentile(async_ms, 50),
        "async_p95": percentile(async_ms, 95),
        "sync_p50": percentile(sync_ms, 50),
        "sync_p95": percentile(sync_ms, 95),
        "found_right_after": 100 * found / adds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--tiny", action="store_true", help="3 adds: the suite's smoke run")
    parser.add_argument("--database", default="bench_add_latency")
    parser.add_argument("--backend", default="e5")
    parser.add_argument("--base-url", help="use a running server instead of spawning one")
    parser.add_argument("--key", help="API key for --base-url")
    args = parser.parse_args()
    adds = 3 if args.tiny else args.adds
    if args.base_url:
        figures = run(args.base_url, args.key, adds)
    else:
        # Each run makes a new tenant, so its users start empty.
        with spawned_server(database=args.database, backend=args.backend) as (base, key):
            figures = run(base, key, adds)
    print(
        f"async add (infer, async_mode async), {figures['adds']} adds: "
        f"p50 {figures['async_p50']:.1f} ms, p95 {figures['async_p95']:.1f} ms\n"
        f"sync add without infer: p50 {figures['sync_p50']:.1f} ms, "
        f"p95 {figures['sync_p95']:.1f} ms\n"
        f"turn found by a search right after its async add: {figures['found_right_after']:.1f}%"
    )


if __name__ == "__main__":
    main()
