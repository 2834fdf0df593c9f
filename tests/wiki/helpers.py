"""A small repository on disk and the in-process run of a wiki job (no worker)."""

from __future__ import annotations

from pathlib import Path

from apps.core.tenancy import tenant_scope
from apps.wiki.services import wiki_job_run

FILES = {
    "app/main.py": 'from lib import core\n\n\ndef run(x: int) -> int:\n    """Start the app."""\n'
                   "    return core.double(x)\n",
    "app/views.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/items/{id}')\n"
                    "def get_item(id: int) -> dict:\n    return {}\n",
    "lib/__init__.py": "",
    "lib/core.py": 'def double(x: int) -> int:\n    """Twice x."""\n    return 2 * x\n',
    "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\ndependencies = ["httpx>=0.27"]\n',
}  # fmt: skip


def make_repo(root: Path, files: dict[str, str] | None = None) -> Path:
    for name, text in (files or FILES).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def run_job(actor, job_id: str) -> dict:
    with tenant_scope(actor.tenant.pk):
        wiki_job_run(job_id=job_id)
    return actor.client().get(f"/v1/wiki/jobs/{job_id}").json()


def generate(actor, body: dict, status: int = 202) -> dict:
    response = actor.client().post("/v1/wiki/generate", body, format="json")
    assert response.status_code == status, response.content
    return response.json()
