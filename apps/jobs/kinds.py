"""Which scope reads each kind of job.

A job shows what it works on (an import's size, a re-embedding's model, an export's query), so
reading it takes the scope of the data it touches, not just any key of the tenant. Each app
declares its kinds in its AppConfig.ready(): memories its imports and re-embeddings under
`memory`, a wiki app its builds under `wiki`. A kind nobody declared is read only with `admin`:
a new kind stays hidden until its app says who may see it, instead of showing to every key."""

from __future__ import annotations

from apps.tenants.models import SCOPES, ApiKey

UNDECLARED_SCOPE = "admin"
_SCOPES: dict[str, str] = {}


def job_kind_register(*, kind: str, scope: str) -> None:
    if scope not in SCOPES:
        raise ValueError(f"job kind {kind!r}: unknown scope {scope!r}")
    declared = _SCOPES.setdefault(kind, scope)
    if declared != scope:
        raise ValueError(f"job kind {kind!r} is already read with the {declared!r} scope")


def job_kind_scope(kind: str) -> str:
    return _SCOPES.get(kind, UNDECLARED_SCOPE)


def job_scopes() -> list[str]:
    """The scopes that read some kind of job: a key holding none of them reads no job."""
    return sorted(set(_SCOPES.values()) | {UNDECLARED_SCOPE})


def job_kinds_readable(*, key: ApiKey) -> list[str] | None:
    """The kinds `key` may read; None when it may read every kind (an admin key)."""
    if key.has_scope(UNDECLARED_SCOPE):
        return None
    return sorted(kind for kind, scope in _SCOPES.items() if key.has_scope(scope))
