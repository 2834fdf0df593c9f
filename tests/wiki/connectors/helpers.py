from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest


class JobStartRecorder:
    """Stands in for apps.wiki.services.wiki_job_start (the generation part) when it is not there
    yet, and records what the connector handed over, including the fetched files."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        repo = Path(kwargs["repo_path"])
        files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file())
        self.calls.append({**kwargs, "files": files})
        return {"job_id": "wiki-test", "status": "pending", "message": "Wiki generation started"}


def record_job_start(monkeypatch: pytest.MonkeyPatch) -> JobStartRecorder:
    recorder = JobStartRecorder()
    module = sys.modules.get("apps.wiki.services")
    if module is None:
        try:
            import apps.wiki.services as module
        except ImportError:
            module = types.ModuleType("apps.wiki.services")
            monkeypatch.setitem(sys.modules, "apps.wiki.services", module)
    monkeypatch.setattr(module, "wiki_job_start", recorder, raising=False)
    return recorder
