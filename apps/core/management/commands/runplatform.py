"""`make run`: migrate, bootstrap, then the web server, a Celery worker and Celery beat in the
foreground. Ctrl-C (or SIGTERM) stops all three, then the embedded servers this run started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from memplatform import embedded


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat (Ctrl-C stops all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("check", databases=["default"])  # e.g. embedding dimension vs column
        call_command("bootstrap")
        call_command("console_roles")  # the console groups (apps.console.roles)
        python = sys.executable
        queues = ",".join(settings.CELERY_TASK_QUEUES_NAMES)
        beat_schedule = settings.CELERY_BEAT_SCHEDULE_FILENAME
        commands = {
            "web": [
                python, "-m", "uvicorn", "memplatform.asgi:application",
                "--host", options["host"], "--port", str(options["port"]),
                "--workers", str(options["web_workers"]), "--no-access-log",
            ],
            "worker": [
                python, "-m", "celery", "-A", "memplatform", "worker", "-Q", queues,
                "--loglevel", "INFO", "-n", "worker@%h",
            ],
            "beat": [
                python, "-m", "celery", "-A", "memplatform", "beat", "--loglevel", "INFO",
                "--schedule", beat_schedule,
            ],
        }  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Own sessions: Ctrl-C reaches this supervisor only, which then stops each child once.
        children = {
            name: subprocess.Popen(cmd, env=env, start_new_session=True)
            for name, cmd in commands.items()
        }
        self._wait_for_web(options["host"], options["port"], children["web"])
        self.stdout.write(
            f"MemPlatform on http://{options['host']}:{options['port']}  "
            f"(API docs /docs, console /admin/). Ctrl-C stops."
        )
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                exited = [name for name, proc in children.items() if proc.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} exited; stopping the others")
                    break
                time.sleep(0.5)
        finally:
            self._terminate(children)
            embedded.stop_started()

    def _wait_for_web(self, host: str, port: int, web: subprocess.Popen) -> None:
        """The ready line is printed once the web server answers, not when it was started."""
        url = f"http://{'127.0.0.1' if host in {'0.0.0.0', '::'} else host}:{port}/health"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and web.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)

    def _terminate(self, children: dict[str, subprocess.Popen]) -> None:
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, proc in children.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it")
                proc.kill()
        self.stdout.write("stopped")
