"""What the IP defence costs each request, and what it saves under a burst of wrong secrets,
over HTTP on a fresh database.

    python bench/ip_defense.py                  # 2,000 requests per server, 1,000 rules, 400 bad
    python bench/ip_defense.py --requests 500   # quicker
    python bench/ip_defense.py --tiny           # seconds: proves it runs (the suite's smoke run)

Two servers on one database, started together: the defence off (IP_DEFENSE_ENABLED=false) and
on (no whitelist, so every request is checked; TRUSTED_PROXIES=127.0.0.1 so the burst below can
name its client in X-Forwarded-For). Requests alternate between them, one at a time, so both
see the same machine load: GET /v1/memory?user_id=... with a valid key (a cheap authenticated
endpoint). Then `--rules` ban rules (half single addresses, half ranges of many prefix lengths,
none covering the client) are written to PostgreSQL and the same comparison runs again. Last,
`--burst` requests with a wrong secret from one client to each server: how many reach the key
lookup (401) and how many are refused before it (403 ip_banned), and what each kind costs.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    PYTHON,
    ROOT,
    bench_env,
    client,
    percentile,
    prepare_database,
    spawned_server,
)

TINY = {"requests": 20, "rules": 20, "burst": 30}
OFF = {"IP_DEFENSE_ENABLED": "false"}
ON = {"IP_DEFENSE_ENABLED": "true", "IP_DEFENSE_WHITELIST": "", "TRUSTED_PROXIES": "127.0.0.1/32",
      "IP_BAN_AUTH_FAILURES": "20", "IP_BAN_AUTH_WINDOW": "10"}  # fmt: skip
BAD_KEY = "mpk_0123456789ab_" + "x" * 40

RULES_SCRIPT = """
import ipaddress, random, sys
from apps.defense.models import IpRule
n = int(sys.argv[1]); rng = random.Random(5); rows = set()
while len(rows) < n:
    if len(rows) % 2:
        rows.add(str(ipaddress.ip_address(rng.randrange(0x0A000000, 0x0B000000))))
    else:
        prefix = rng.randrange(9, 31)
        base = ipaddress.ip_address(rng.randrange(0xAC100000, 0xAC200000))
        rows.add(str(ipaddress.ip_network(f"{base}/{prefix}", strict=False)))
IpRule.objects.bulk_create([IpRule(kind="ban", network=r, reason="bench") for r in rows],
                           ignore_conflicts=True)
from apps.defense.services import rules_changed
rules_changed()  # every server reloads its rules on its next request
print(IpRule.objects.count())
"""


def interleaved(servers: dict[str, tuple[str, str]], n: int) -> dict[str, dict[str, float]]:
    timings: dict[str, list[float]] = {name: [] for name in servers}
    with ExitStack() as stack:
        http = {
            name: stack.enter_context(client(base, key)) for name, (base, key) in servers.items()
        }
        for name in servers:  # warm: connection, key cache, rules
            for _ in range(5):
                http[name].get("/v1/memory", params={"user_id": "bench"}).raise_for_status()
        for i in range(n):
            order = list(servers) if i % 2 == 0 else list(reversed(servers))
            for name in order:
                start = time.perf_counter()
                response = http[name].get("/v1/memory", params={"user_id": f"u{i % 7}"})
                timings[name].append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
    return {name: summary(values) for name, values in timings.items()}


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "mean": sum(values) / len(values) if values else float("nan")}  # fmt: skip


def burst(base: str, n: int, client_ip: str) -> dict[str, object]:
    by_status: dict[int, list[float]] = {}
    headers = {"Authorization": f"Bearer {BAD_KEY}", "X-Forwarded-For": client_ip}
    with client(base, BAD_KEY) as http:
        started = time.perf_counter()
        for _ in range(n):
            start = time.perf_counter()
            response = http.get("/v1/memory", params={"user_id": "u"}, headers=headers)
            by_status.setdefault(response.status_code, []).append(
                (time.perf_counter() - start) * 1000
            )
        total = time.perf_counter() - started
    return {"seconds": total, "statuses": {str(k): len(v) for k, v in sorted(by_status.items())},
            "p50_ms": {str(k): percentile(v, 50) for k, v in sorted(by_status.items())}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per server and phase")
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=400)
    parser.add_argument("--tiny", action="store_true", help="the suite's smoke run")
    parser.add_argument("--database", default="bench_ip_defense")
    parser.add_argument("--backend", default="e5")
    parser.add_argument("--out", help="directory for ip_defense-<time>.json")
    args = parser.parse_args()
    if args.tiny:
        args.requests, args.rules, args.burst = TINY["requests"], TINY["rules"], TINY["burst"]
    env = bench_env(args.database, args.backend)
    key = prepare_database(env, tenant="bench-ipd")
    results: dict[str, object] = {"requests": args.requests, "rules": args.rules}
    # a fresh client address each run: the strikes of an earlier run stay in Redis for days
    attacker = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                spawned_server(
                    database=args.database,
                    backend=args.backend,
                    prepare=False,
                    key=key,
                    extra_env=extra,
                )
            )
            for name, extra in (("off", OFF), ("on", ON))
        }
        results["no rules"] = interleaved(servers, args.requests)
        made = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", RULES_SCRIPT.replace("sys.argv[1]",
             str(args.rules))], cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        results["rules_stored"] = int(made.stdout.strip().splitlines()[-1])
        results[f"{args.rules} rules"] = interleaved(servers, args.requests)
        results["burst off"] = burst(servers["off"][0], args.burst, attacker)
        results["burst on"] = burst(servers["on"][0], args.burst, attacker)
    for phase in ("no rules", f"{args.rules} rules"):
        off, on = results[phase]["off"], results[phase]["on"]
        print(f"{phase}: defence off p50 {off['p50']:.2f} ms p95 {off['p95']:.2f} ms | "
              f"on p50 {on['p50']:.2f} ms p95 {on['p95']:.2f} ms | "
              f"overhead p50 {on['p50'] - off['p50']:+.2f} ms, mean {on['mean'] - off['mean']:+.2f} ms "
              f"({args.requests} requests each)")  # fmt: skip
    for name in ("burst off", "burst on"):
        b = results[name]
        print(f"{name}: {args.burst} wrong secrets in {b['seconds']:.2f} s, statuses "
              f"{b['statuses']}, p50 ms by status {({k: round(v, 2) for k, v in b['p50_ms'].items()})}")  # fmt: skip
    if args.out:
        path = Path(args.out) / f"ip_defense-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
