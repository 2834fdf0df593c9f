"""The defence in a real server whose database goes away: requests that can be served still are
(chat passes through), and the bans it had loaded still apply."""

from __future__ import annotations

import httpx
import pytest
import redis
from django.conf import settings
from django.db import connection

from apps.defense.models import IpRule
from tests.live import live_platform

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_the_database_gone_bans_still_apply_and_chat_passes(tmp_path, alice):
    from tests.llm_server import LlmServer
    from tests.tcp_proxy import TcpProxy

    IpRule.objects.create(kind="ban", network="203.0.113.0/24", reason="live")
    db = settings.DATABASES["default"]
    proxy = TcpProxy(f"{db['HOST']}/.s.PGSQL.{db['PORT']}").start()
    upstream = LlmServer().start()
    database = (f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
                f"?application_name={LIVE_APP}")  # fmt: skip
    env = {"DATABASE_URL": database, "LLM_API_BASE": upstream.url, "LLM_MODEL": "test-model",
           "TRUSTED_PROXIES": "127.0.0.1/32", "IP_DEFENSE_WHITELIST": "",
           "IP_DEFENSE_CACHE_SECONDS": "0",
           # chat's write-back queues a batch: on the tests' Redis db the session's worker would
           # process it during this test's teardown (TRUNCATE) and deadlock with it
           "REDIS_DB": str(OWN_REDIS_DB)}  # fmt: skip
    question = [{"role": "user", "content": "hello"}]
    try:
        with live_platform(tmp_path / "web.log", **env) as url:
            api = httpx.Client(base_url=url, timeout=30,
                               headers={"Authorization": f"Bearer {alice.secret}"})  # fmt: skip
            banned = {"X-Forwarded-For": "203.0.113.5"}
            assert api.get("/v1/memory", params={"user_id": "u1"}).status_code == 200
            chat = api.post("/v1/chat/completions", json={"messages": question, "user": "u1"})
            assert chat.status_code == 200, chat.text
            proxy.cut()
            # the rules are reloaded on every request (cache 0): each load fails, the last
            # rules are kept
            for _ in range(3):
                chat = api.post("/v1/chat/completions", json={"messages": question, "user": "u1"})
                assert chat.status_code == 200, chat.text
                assert chat.headers["X-MemoryOS-Status"] == "degraded"
                search = api.post("/v1/memory/search", json={"user_id": "u1", "query": "x"})
                assert search.status_code in {200, 503}  # never a 500 from the defence
            refused = api.get("/v1/memory", params={"user_id": "u1"}, headers=banned)
            assert refused.status_code == 403 and refused.json()["error"]["code"] == "ip_banned"
    finally:
        proxy.cut()
        upstream.stop()
        _end_orphans()
        redis.Redis.from_url(f"{settings.REDIS_URL}/{OWN_REDIS_DB}").flushdb()


LIVE_APP = "defense-live-test"
OWN_REDIS_DB = (settings.REDIS_DB + 3) % 16


def _end_orphans() -> None:
    """The server's connections were cut at the proxy, not closed: PostgreSQL keeps their
    backends (a query sent just before the cut may still hold a lock) until it notices. End them,
    or the test's teardown (TRUNCATE) can deadlock with one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [LIVE_APP],
        )
