"""Shared fixtures. Named actors, as in the style guide:
alice is tenant A's owner (every scope), bob is alice's teammate with only the `memory` scope,
charlie owns tenant B (every scope, admin included) and is the outsider in isolation tests.
`root` is the platform-admin key of the bootstrap tenant."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.tenants.models import SCOPES, ApiKey, Tenant
from apps.tenants.services import api_key_create, tenant_create
from memplatform import embedded

ROOT = Path(__file__).resolve().parent.parent
# mem0's client reports usage to its vendor unless told not to (read when mem0 is imported).
os.environ.setdefault("MEM0_TELEMETRY", "False")


@dataclass
class Actor:
    name: str
    tenant: Tenant
    key: ApiKey
    secret: str

    def client(self, scheme: str = "Bearer") -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {self.secret}")
        return client


def make_actor(name: str, tenant: Tenant, **kwargs: object) -> Actor:
    issued = api_key_create(tenant=tenant, name=name, **kwargs)
    return Actor(name=name, tenant=tenant, key=issued.key, secret=issued.secret)


@pytest.fixture
def tenant_a(db) -> Tenant:
    return tenant_create(slug="acme", name="Acme")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return tenant_create(slug="globex", name="Globex")


@pytest.fixture
def alice(tenant_a) -> Actor:
    return make_actor("alice", tenant_a, scopes=list(SCOPES))


@pytest.fixture
def bob(tenant_a) -> Actor:
    return make_actor("bob", tenant_a, scopes=["memory"])


@pytest.fixture
def charlie(tenant_b) -> Actor:
    return make_actor("charlie", tenant_b, scopes=list(SCOPES))


@pytest.fixture
def root(db) -> Actor:
    tenant = tenant_create(slug="platform", name="Platform")
    return make_actor("root", tenant, is_platform_admin=True)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture(scope="session", autouse=True)
def _clean_test_redis() -> None:
    """Tests use their own Redis db (REDIS_DB=1); start each session from empty."""
    from apps.core.ratelimit import redis_client

    redis_client().flushdb()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on the test database and the test Redis db."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "memplatform.settings.test",
        "DATABASE_NAME": settings.DATABASES["default"]["NAME"],
        "REDIS_DB": str(settings.REDIS_DB),
        "PYTHONPATH": str(ROOT),
    }
    queues = ",".join(settings.CELERY_TASK_QUEUES_NAMES)
    log = open(embedded.var_dir() / "test-worker.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "memplatform", "worker", "-Q", queues,
            "--include", "tests.worker_tasks", "-c", "2", "--loglevel", "INFO",
            "-n", f"test-{os.getpid()}@%h", "--without-mingle", "--without-gossip",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from memplatform.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5)
        if any(name.startswith(f"test-{os.getpid()}@") for reply in replies for name in reply):
            break
        if proc.poll() is not None:
            raise RuntimeError(
                f"worker exited: {(embedded.var_dir() / 'test-worker.log').read_text()}"
            )
    else:
        proc.kill()
        raise RuntimeError("the Celery worker did not come up within 60 s")
    global _worker_running
    _worker_running = True
    yield proc
    _worker_running = False
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _worker_idle(timeout: float = 30.0) -> None:
    """Until the test worker runs nothing and no queue holds a task (or `timeout`)."""
    import redis

    from memplatform.celery import app

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = sum(client.llen(q) for q in settings.CELERY_TASK_QUEUES_NAMES)
        inspect = app.control.inspect(timeout=0.5)
        busy = [t for reply in (inspect.active() or {}, inspect.reserved() or {})
                for tasks in reply.values() for t in tasks]  # fmt: skip
        if not waiting and not busy:
            return
        time.sleep(0.2)


_worker_running = False  # the session's real worker (celery_worker) has started


def _flushes(item: pytest.Item) -> bool:
    """The test's database is emptied by TRUNCATE afterwards (transactional tests, live servers),
    not rolled back."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and bool(marker.kwargs.get("transaction")))
    )


def tasks_settle() -> None:
    """What a test queued (an add's batch, the graph stage, a wiki job, ...) must not outlive its
    data: once the session's worker runs, it finishes the tasks before the flush (a task running
    during the flush's TRUNCATE deadlocks with it); before that, they are dropped from the test
    broker instead of reaching a later test's worker with ids that no longer exist."""
    import redis

    if _worker_running:
        _worker_idle()
    else:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(*settings.CELERY_TASK_QUEUES_NAMES)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """A test that used the real worker, or whose database is flushed, leaves no task running
    or waiting before the flush (see tasks_settle)."""
    if "celery_worker" in getattr(item, "fixturenames", ()) or _flushes(item):
        tasks_settle()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses the real worker carries the `worker` marker, so `-m "not worker"` leaves
    out every test that starts one."""
    unmarked = [item.nodeid for item in items
                if "celery_worker" in getattr(item, "fixturenames", ())
                and item.get_closest_marker("worker") is None]  # fmt: skip
    if unmarked:
        raise pytest.UsageError(
            f"tests using celery_worker without @pytest.mark.worker: {unmarked}"
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Stop only the embedded servers this test run started (not those of a `make run` beside it).
    embedded.stop_started()


@pytest.fixture(autouse=True)
def _no_model_from_the_environment(settings):
    """No LLM unless a test brings one (`llm`): tests expect the rules pipeline and no chat model,
    whatever LLM_API_BASE or CHAT_MODEL_LIST the environment (or a .env) sets."""
    settings.LLM_API_BASE = ""
    settings.CHAT_MODEL_LIST = []


@pytest.fixture
def llm(settings):
    """A local OpenAI-compatible server, configured as the platform's LLM for the test (model
    name set here: tests check it, and LLM_MODEL may be set in the environment)."""
    from tests.llm_server import LlmServer

    server = LlmServer().start()
    settings.LLM_API_BASE = server.url
    settings.LLM_API_KEY = "sk-test-upstream-secret"
    settings.LLM_MODEL = "gpt-4o-mini"
    settings.CHAT_MODEL_LIST = []
    settings.LLM_TIMEOUT = 1.0
    settings.LLM_MAX_RETRIES = 1
    yield server
    server.stop()


@dataclass
class LiveApi:
    url: str
    upstream: object  # the LlmServer the platform's chat models point at


@pytest.fixture(scope="session")
def live_api(django_db_setup, django_db_blocker):
    """The platform itself under uvicorn (ASGI, as `make run` serves it) on the test database,
    with its chat models pointing at a local OpenAI-compatible server. Tests that use it need
    `django_db(transaction=True)`, so that what they create is visible to the server."""
    import json

    from tests.live import live_platform
    from tests.llm_server import LlmServer

    upstream = LlmServer().start()
    models = [
        {
            "backend": "openai",
            "api_base": upstream.url,
            "api_key": "sk-live-upstream",
            "model_name_or_path": "test-model",
            "support_models": ["test-model", "gpt-4o"],
        }
    ]
    try:
        with live_platform(embedded.var_dir() / "test-live-api.log",
                           CHAT_MODEL_LIST=json.dumps(models)) as url:  # fmt: skip
            yield LiveApi(url=url, upstream=upstream)
    finally:
        upstream.stop()
