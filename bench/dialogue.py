"""Dialogue-style recall over the HTTP API (issue 11): a user's memory events are added as
independent adds (infer off, no conversation id, each at its own time); each case searches with
the dialogue before the moment an assistant should recall something, and is scored on the events
it should recall.

    python bench/dialogue.py                      # the tuning sets, English and Chinese
    python bench/dialogue.py --holdout            # the held-out sets (report these)
    python bench/dialogue.py --query last-user    # how the dialogue becomes the query
    python bench/dialogue.py --tiny               # seconds: proves it runs (the suite's smoke run)

Data: bench/data/dialogue_{en,zh}.jsonl and *_holdout.jsonl, written by a separate agent from the
issue's description alone, before any tuning. Query forms (`--query`): `messages` (the dialogue
as the search's `messages`, as chat sends it; the default), `transcript` (every turn, "role:
content" lines, as one query), `user-turns` (the user's turns only), `last-user` (the last user
turn). Scores: R@k = the share of a case's gold events found in the top k, averaged over cases;
MRR of the first gold event.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import client, spawned_server

DATA = Path(__file__).resolve().parent / "data"
KS = (1, 3, 5, 10)
QUERY_FORMS = ("messages", "transcript", "user-turns", "last-user")


def load(lang: str, holdout: bool) -> list[dict]:
    name = f"dialogue_{lang}{'_holdout' if holdout else ''}.jsonl"
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


def query_of(dialogue: list[dict], form: str) -> dict:
    """The search body's query part: the dialogue as `messages`, or a `query` string."""
    if form == "messages":
        return {"messages": [{"role": t["role"], "content": t["content"]} for t in dialogue]}
    return {"query": query_text(dialogue, form)}


def query_text(dialogue: list[dict], form: str) -> str:
    if form == "transcript":
        return "\n".join(f"{t['role']}: {t['content']}" for t in dialogue)
    user_turns = [t["content"] for t in dialogue if t["role"] == "user"]
    return "\n".join(user_turns) if form == "user-turns" else user_turns[-1]


def ingest(http, run: str, users: list[dict]) -> dict[str, str]:
    """Add every event as its own add; returns {memory id: event id}."""
    memory_event: dict[str, str] = {}
    total = sum(len(u["events"]) for u in users)
    with tqdm(total=total, desc="ingest", unit="event") as bar:
        for user in users:
            for event in user["events"]:
                response = http.post("/v1/memory/add", json={
                    "user_id": f"{run}-{user['user_id']}", "messages": event["text"],
                    "timestamp": event["time"], "metadata": {"event_id": event["id"]},
                })  # fmt: skip
                response.raise_for_status()
                for memory in response.json()["results"]:
                    memory_event[memory["id"]] = event["id"]
                bar.update(1)
    return memory_event


def score(http, run: str, users: list[dict], form: str, memory_event: dict[str, str]) -> dict:
    recall = {k: 0.0 for k in KS}
    mrr, cases = 0.0, 0
    started = time.perf_counter()
    for user in users:
        for case in tqdm(user["cases"], desc=f"search {user['user_id']}", unit="case", leave=False):
            body = {"user_id": f"{run}-{user['user_id']}", **query_of(case["dialogue"], form),
                    "limit": max(KS)}  # fmt: skip
            response = http.post("/v1/memory/search", json=body)
            response.raise_for_status()
            ranked = [memory_event.get(h["id"]) for h in response.json()["results"]]
            gold = set(case["recall"])
            for k in KS:
                recall[k] += len(gold & set(ranked[:k])) / len(gold)
            first = next((i for i, e in enumerate(ranked) if e in gold), None)
            mrr += 0 if first is None else 1 / (first + 1)
            cases += 1
    seconds = time.perf_counter() - started
    return {"cases": cases, **{f"R@{k}": round(100 * recall[k] / cases, 1) for k in KS},
            "MRR": round(100 * mrr / cases, 1), "ms_per_search": round(1000 * seconds / cases, 1)}  # fmt: skip


def tiny(user: dict) -> dict:
    """Three cases of one user, with their gold events and ten others."""
    cases = user["cases"][:3]
    keep = {e["id"] for e in user["events"][:10]} | {g for c in cases for g in c["recall"]}
    return {**user, "events": [e for e in user["events"] if e["id"] in keep], "cases": cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holdout", action="store_true", help="score the held-out sets")
    parser.add_argument("--langs", default="en,zh")
    parser.add_argument("--query", default="messages", choices=QUERY_FORMS,
                        help="how a dialogue becomes the search query")  # fmt: skip
    parser.add_argument("--all-queries", action="store_true", help="score every query form")
    parser.add_argument("--tiny", action="store_true", help="one user, 3 cases: a smoke run")
    parser.add_argument("--database", default="bench_dialogue")
    parser.add_argument("--backend", default="e5")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args()
    forms = QUERY_FORMS if args.all_queries else (args.query,)
    results: dict[str, dict] = {}
    run = f"dlg{int(time.time())}"
    with spawned_server(database=args.database, backend=args.backend) as (base, key):
        with client(base, key) as http:
            for lang in args.langs.split(","):
                users = load(lang, args.holdout)
                if args.tiny:
                    users = [tiny(users[0])]
                memory_event = ingest(http, run, users)
                for form in forms:
                    label = f"{lang} {'held-out' if args.holdout else 'tuning'} {form}"
                    results[label] = score(http, run, users, form, memory_event)
    print(
        f"\n{'set':32} {'cases':>5} "
        + " ".join(f"{m:>6}" for m in ("R@1", "R@3", "R@5", "R@10", "MRR"))
    )
    for label, r in results.items():
        print(
            f"{label:32} {r['cases']:>5} "
            + " ".join(f"{r[m]:>6}" for m in ("R@1", "R@3", "R@5", "R@10", "MRR"))
        )
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"dialogue-{int(time.time())}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
