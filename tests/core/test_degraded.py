"""Degraded mode, for real: the platform under uvicorn with a Redis server of its own, which the
test stops and starts again. Nothing accepted is lost, search keeps working, responses say
`X-MemoryOS-Status: degraded`, and when Redis is back the platform uses it again, unrestarted."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from memplatform import embedded
from tests.live import free_port, live_platform

pytestmark = pytest.mark.django_db(transaction=True)


class OwnRedis:
    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir, self.proc = free_port(), workdir, None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [embedded.redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.workdir), "--save", "", "--appendonly", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not embedded.redis_ping(self.port):
            assert time.monotonic() < deadline, "test Redis did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def wait_for(condition, seconds: float = 30):
    """Poll until `condition()` is truthy (then return it), for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return result


def ok(response: httpx.Response) -> httpx.Response | None:
    return response if response.status_code == 200 else None


@pytest.fixture
def platform(tmp_path):
    redis_server = OwnRedis(tmp_path)
    redis_server.start()
    try:
        with live_platform(tmp_path / "web.log", REDIS_URL=f"redis://127.0.0.1:{redis_server.port}",
                           REDIS_DB="1", REDIS_RECHECK_SECONDS="1") as url:  # fmt: skip
            yield url, redis_server
    finally:
        if redis_server.proc.poll() is None:
            redis_server.stop()


def test_redis_down_then_back(platform, alice):
    url, redis_server = platform
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {alice.secret}"},
                       timeout=30)  # fmt: skip

    def add(text: str) -> httpx.Response:
        # infer on: the worker has extraction to do (the turns are stored by the add itself)
        return api.post("/v1/memory/add", json={"user_id": "u1", "messages": text,
                                                "async_mode": "async", "infer": True})  # fmt: skip

    normal = add("I keep bees in the garden")
    assert normal.status_code == 200 and normal.json()["status"] == "queued"
    assert "X-MemoryOS-Status" not in normal.headers

    redis_server.stop()
    started = time.monotonic()
    degraded = add("My sister lives in Shanghai")
    assert degraded.status_code == 200, degraded.text
    assert time.monotonic() - started < 10
    body = degraded.json()
    assert (
        body["status"] == "done" and body["results"][0]["memory"] == "My sister lives in Shanghai"
    )
    assert degraded.headers["X-MemoryOS-Status"] == "degraded"
    found = api.post("/v1/memory/search", json={"user_id": "u1", "query": "sister Shanghai"})
    assert found.status_code == 200 and found.headers["X-MemoryOS-Status"] == "degraded"
    assert found.json()["results"][0]["memory"] == "My sister lives in Shanghai"
    status = httpx.get(f"{url}/health/status", timeout=10).json()
    assert (status["mode"], status["redis"]) == ("degraded_ready", "down")

    redis_server.start()  # same port, same data directory: the queued batch is still there
    # Redis is skipped for REDIS_RECHECK_SECONDS (1 here) after a failure, then tried again:
    # wait for the platform to say so, not for a fixed time.
    wait_for(lambda: httpx.get(f"{url}/health/status", timeout=10).json()["mode"] == "ready")
    wait_for(lambda: "X-MemoryOS-Status" not in api.post(
        "/v1/memory/search", json={"user_id": "u1", "query": "bees"}).headers)  # fmt: skip
    recovered = add("I play the cello")
    assert recovered.json()["status"] == "queued"
    assert "X-MemoryOS-Status" not in recovered.headers


@pytest.fixture
def platform_behind_proxy(tmp_path):
    """The platform with its database reached through a proxy the test can cut, and a chat
    model on the local test server."""
    from tests.llm_server import LlmServer
    from tests.tcp_proxy import TcpProxy

    db = settings.DATABASES["default"]
    proxy = TcpProxy(f"{db['HOST']}/.s.PGSQL.{db['PORT']}").start()
    upstream = LlmServer().start()
    database = f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
    try:
        with live_platform(tmp_path / "web.log", DATABASE_URL=database,
                           LLM_API_BASE=upstream.url, LLM_MODEL="test-model") as url:  # fmt: skip
            yield url, proxy, upstream
    finally:
        proxy.cut()
        upstream.stop()


def test_postgres_down_then_back(platform_behind_proxy, alice):
    url, proxy, upstream = platform_behind_proxy
    api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {alice.secret}"},
                       timeout=30)  # fmt: skip
    question = [{"role": "user", "content": "Where does my sister live?"}]
    added = api.post("/v1/memory/add", json={"user_id": "u1",
                                             "messages": "My sister lives in Shanghai"})  # fmt: skip
    assert added.status_code == 200, added.text
    assert (
        api.post("/v1/chat/completions", json={"messages": question, "user": "u1"}).status_code
        == 200
    )
    assert "Shanghai" in str(upstream.requests[-1]["body"]["messages"])

    proxy.cut()
    chat = api.post("/v1/chat/completions", json={"messages": question, "user": "u1"})
    assert chat.status_code == 200, chat.text
    assert chat.headers["X-MemoryOS-Status"] == "degraded"
    assert upstream.requests[-1]["body"]["messages"] == question  # passed through, no memory
    search = api.post("/v1/memory/search", json={"user_id": "u1", "query": "sister"})
    assert search.status_code == 503 and search.json()["error"]["type"] == "ServiceUnavailable"
    assert httpx.get(f"{url}/health/status", timeout=10).status_code == 503

    proxy.start()  # the database is back; the server was not restarted
    # (by "Shanghai": the chat's question may be stored by now too, as a worker writes it back)
    search = wait_for(lambda: ok(api.post("/v1/memory/search",
                                          json={"user_id": "u1", "query": "Shanghai"})))  # fmt: skip
    assert search.json()["results"][0]["memory"] == "My sister lives in Shanghai"
    assert httpx.get(f"{url}/health/status", timeout=10).json()["mode"] == "ready"
