"""What the audit trail's hash chain costs per audited request, and which indexes the audit API's
queries use on a large trail. Runs in-process on a database of its own (`--database`, default
bench_audit), dropped, created and migrated first, so every figure comes from an empty trail.

    python bench/audit.py                 # append cost only
    python bench/audit.py --rows 1000000  # + query plans
    python bench/audit.py --tiny          # seconds: proves it runs

Append cost: `appends` sequential events through `audit_record` (advisory lock on the tenant,
read the chain's head, two HMACs and a SHA-256, insert), against the same insert without the
chain (what `audit_record` did before), each in its own transaction as the API writes them; then
`threads` threads appending to one tenant (they queue on the lock) and to one tenant each.
Query plans: `--rows` synthetic events (not a valid chain: the plans do not care) in one tenant
plus a tenth of that in another, then EXPLAIN ANALYZE of the logs and stats queries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--database", default="bench_audit",
                        help="dropped and created for the run")  # fmt: skip
    parser.add_argument("--tiny", action="store_true", help="seconds: proves it runs")
    parser.add_argument("--out", default=str(ROOT / "bench/results"))
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:  # a database of its own, empty: dropped, created and migrated first
    from bench.common import bench_env, prepare_database

    os.environ["DATABASE_NAME"] = ARGS.database
    prepare_database(bench_env(ARGS.database, os.environ.get("EMBEDDING_BACKEND", "e5")))

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from apps.audit.chain import ref  # noqa: E402
from apps.audit.models import AuditEvent  # noqa: E402
from apps.audit.selectors import LogQuery, audit_log_query, audit_stats  # noqa: E402
from apps.audit.services import audit_record  # noqa: E402
from apps.tenants.models import Tenant  # noqa: E402

RESULTS: dict[str, object] = {}

EVENT = {"api_key_id": 1, "action": "POST /v1/memory/add", "status_code": 201,
         "target_type": "add_batch", "target_id": "4f1c0d2e", "end_user_id": "user-42",
         "client_ip": "10.1.2.3", "request_id": "0123456789abcdef"}  # fmt: skip


def tenant(slug: str) -> Tenant:
    return Tenant.objects.get_or_create(slug=slug, defaults={"name": slug})[0]


def plain(tenant_id: int) -> None:
    with transaction.atomic():
        AuditEvent.unscoped.create(tenant_id=tenant_id, **EVENT)


def chained(tenant_id: int) -> None:
    audit_record(tenant_id=tenant_id, **EVENT)


def timed(fn, tenant_id: int, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn(tenant_id)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(f"{name:<34} n={len(ms):<6} mean {statistics.mean(ms):.3f} ms  "
          f"p50 {ms[len(ms) // 2]:.3f}  p95 {p95:.3f}")  # fmt: skip
    RESULTS.setdefault(name, []).append(  # type: ignore[union-attr]
        {"n": len(ms), "mean": statistics.mean(ms), "p50": ms[len(ms) // 2], "p95": p95}
    )


def threaded(tenant_ids: list[int], n: int) -> float:
    def work(tenant_id: int) -> None:
        for _ in range(n):
            chained(tenant_id)
        connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in tenant_ids]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(tenant_ids) * n / (time.perf_counter() - start)


def append_cost(appends: int, threads: int) -> None:
    one = tenant("bench-audit-a").pk
    unchained = tenant("bench-audit-plain").pk  # its rows are no chain: audit_verify says so
    timed(chained, one, min(50, appends))  # warm up
    for _ in range(2):  # interleaved rounds: the machine is shared
        summary("insert without chain (before)", timed(plain, unchained, appends))
        summary("audit_record with chain", timed(chained, one, appends))
    same = threaded([one] * threads, appends // threads)
    many = threaded([tenant(f"bench-audit-t{i}").pk for i in range(threads)], appends // threads)
    print(f"{threads} threads, one tenant:  {same:.0f} events/s")
    print(f"{threads} threads, own tenants: {many:.0f} events/s")
    RESULTS["threads"] = {"n": threads, "one_tenant_per_s": same, "own_tenants_per_s": many}


FILL = """
INSERT INTO audit_auditevent (tenant_id, api_key_id, action, target_type, target_id, end_user_id,
    end_user_ref, target_ref, client_ip, status_code, request_id, created_at, redacted,
    prev_hash, hash)
SELECT %s, 1 + i %% 20, (ARRAY['POST /v1/memory/add', 'DELETE /v1/memories/<str:memory_id>',
        'POST /v1/memory/feedback', 'GET /v1/admin/keys', 'POST /v1/chat'])[1 + i %% 5],
    'memory', i::text, 'user-' || (i %% 5000), (%s::text[])[1 + i %% 5000],
    '', '10.0.0.1', (ARRAY[200, 201, 201, 201, 400, 403, 404, 500])[1 + i %% 8], '',
    now() - make_interval(secs => (%s - i) * 2.5), false, md5(i::text) || md5(i::text),
    md5((i + 1)::text) || md5((i + 1)::text)
FROM generate_series(1, %s) AS i
"""


def plans(rows: int) -> None:
    big, small = tenant("bench-audit-big"), tenant("bench-audit-small")
    if AuditEvent.unscoped.filter(tenant=big).count() < rows:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for each, n in ((big, rows), (small, rows // 10)):
                refs = [ref(tenant_id=each.pk, value=f"user-{u}") for u in range(5000)]
                cursor.execute(FILL, [each.pk, refs, n, n])
            cursor.execute("ANALYZE audit_auditevent")
        print(f"filled {rows + rows // 10} rows in {time.perf_counter() - start:.0f} s")
    middle = (
        AuditEvent.unscoped.filter(tenant=big)
        .order_by("-id")
        .values_list("id", flat=True)[rows // 2]
    )
    cases = {
        "newest 50": LogQuery(),
        "user, 50": LogQuery(user_id="user-7"),
        "action, 50": LogQuery(action="POST /v1/chat"),
        "key, 50": LogQuery(api_key_id=3),
        "status 404, 50": LogQuery(status="404"),
        "status 4xx, 50": LogQuery(status="4xx"),
        "cursor mid-trail, 50": LogQuery(cursor=middle),
        "user + 4xx, 50": LogQuery(user_id="user-7", status="4xx"),
    }
    for name, query in cases.items():
        start = time.perf_counter()
        audit_log_query(tenant_id=big.pk, query=query)
        took = (time.perf_counter() - start) * 1000
        print(f"logs {name:<24} {took:8.1f} ms")
        RESULTS[f"logs {name}"] = took
    for days in (None, 1, 30):
        start = time.perf_counter()
        audit_stats(tenant_id=big.pk, days=days)
        took = (time.perf_counter() - start) * 1000
        print(f"stats days={days!s:<19} {took:8.1f} ms")
        RESULTS[f"stats days={days}"] = took
    explain(big.pk)


def explain(tenant_id: int) -> None:
    user_ref = ref(tenant_id=tenant_id, value="user-7")
    queries = {
        "newest": ("WHERE tenant_id = %s", [tenant_id]),
        "user": ("WHERE tenant_id = %s AND end_user_ref = %s", [tenant_id, user_ref]),
        "action": ("WHERE tenant_id = %s AND action = %s", [tenant_id, "POST /v1/chat"]),
        "4xx": ("WHERE tenant_id = %s AND status_code >= 400 AND status_code < 500", [tenant_id]),
    }
    with connection.cursor() as cursor:
        for name, (where, params) in queries.items():
            sql = (
                f"EXPLAIN ANALYZE SELECT * FROM audit_auditevent {where} ORDER BY id DESC LIMIT 51"
            )
            cursor.execute(sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            used = [line.strip() for line in lines if "Index" in line or "Seq Scan" in line]
            print(f"plan {name}: {used[:2]} | {lines[-1].strip()}")


if __name__ == "__main__":
    assert ARGS is not None
    if ARGS.tiny:
        ARGS.appends, ARGS.threads, ARGS.rows = 40, 2, 2000
    append_cost(ARGS.appends, ARGS.threads)
    if ARGS.rows:
        plans(ARGS.rows)
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"audit-{int(time.time())}.json"
    path.write_text(json.dumps({"appends": ARGS.appends, "rows": ARGS.rows, **RESULTS}, indent=1))
    print(f"results written to {path}")
