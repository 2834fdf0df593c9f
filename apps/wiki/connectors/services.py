"""Connector services: save a configuration, test one (a session of WIKI_CONNECTOR_SESSION_TTL
seconds), browse a path and generate a wiki from a session or a saved configuration."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from apps.core.errors import NotFound
from apps.tenants.models import Tenant
from apps.wiki.connector_models import ConnectorSession, SavedConnector
from apps.wiki.connectors import backends, crypto
from apps.wiki.connectors.specs import TYPES, ConnectorType, config_clean, connector_type_get


def connector_types_list() -> list[dict[str, object]]:
    return [kind.as_dict() for kind in TYPES.values()]


def _seal(*, tenant_id: int, kind: ConnectorType, config: dict[str, Any]) -> tuple[dict, dict]:
    secret = {f.name for f in kind.fields if f.secret}
    plain = {k: v for k, v in config.items() if k not in secret}
    sealed = {
        k: crypto.secret_encrypt(tenant_id=tenant_id, field=k, value=str(v))
        for k, v in config.items()
        if k in secret
    }
    return plain, sealed


def _unseal(*, tenant_id: int, plain: dict, sealed: dict) -> dict[str, Any]:
    out = dict(plain)
    for name, blob in sealed.items():
        out[name] = crypto.secret_decrypt(tenant_id=tenant_id, field=name, sealed=blob)
    return out


def saved_connector_out(*, saved: SavedConnector) -> dict[str, Any]:
    """The configuration with every secret masked; one that no configured key opens is shown
    as "****" and named in `undecryptable` (the listing still answers)."""
    config, undecryptable = dict(saved.config), []
    for name, blob in saved.secrets.items():
        try:
            value = crypto.secret_decrypt(tenant_id=saved.tenant_id, field=name, sealed=blob)
        except crypto.SecretUndecryptable:
            value = ""
            undecryptable.append(name)
        config[name] = crypto.mask(value)
    out = {
        "id": str(saved.id), "name": saved.name, "connector_type": saved.connector_type,
        "config": config, "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
    }  # fmt: skip
    if undecryptable:
        out["undecryptable"] = undecryptable
    return out


def connector_save(
    *, tenant: Tenant, name: str, connector_type: str, config: object
) -> SavedConnector:
    kind = connector_type_get(type_name=connector_type)
    clean = config_clean(kind=kind, config=config)
    plain, sealed = _seal(tenant_id=tenant.pk, kind=kind, config=clean)
    return SavedConnector.objects.create(
        tenant=tenant, name=name, connector_type=kind.type, config=plain, secrets=sealed
    )


def saved_connectors_list(*, tenant: Tenant) -> list[dict[str, Any]]:
    return [saved_connector_out(saved=s) for s in SavedConnector.objects.filter(tenant=tenant)]


def _saved_get(*, tenant: Tenant, connector_id: uuid.UUID) -> SavedConnector:
    saved = SavedConnector.objects.filter(tenant=tenant, pk=connector_id).first()
    if saved is None:
        raise NotFound("no such connector", code="wiki_connector_not_found")
    return saved


def _resolve(*, tenant: Tenant, connector_id: uuid.UUID) -> tuple[str, dict[str, Any], str]:
    """The type, plain configuration and a stable source key of a live session or a saved
    configuration. The key is the saved configuration's id, else a hash of the type and the
    non-secret fields: a later session on the same store regenerates the same wiki."""
    session = ConnectorSession.objects.filter(tenant=tenant, pk=connector_id).first()
    if session is not None:
        if session.expires_at <= timezone.now():
            session.delete()
            raise NotFound(
                "the connector session has expired; test the connector again",
                code="wiki_connector_session_expired",
            )
        record: ConnectorSession | SavedConnector = session
        stable = str(session.saved_id) if session.saved_id else ""
    else:
        record = _saved_get(tenant=tenant, connector_id=connector_id)
        stable = str(record.pk)
    if not stable:
        plain = json.dumps([record.connector_type, record.config], sort_keys=True)
        stable = f"{record.connector_type}:{hashlib.sha256(plain.encode()).hexdigest()[:16]}"
    config = _unseal(tenant_id=tenant.pk, plain=record.config, sealed=record.secrets)
    return record.connector_type, config, stable


def connector_test(
    *, tenant: Tenant, connector_type: str | None, config: object, saved_id: uuid.UUID | None
) -> dict[str, Any]:
    """Connect, count the files, and open a session for browse and generate."""
    saved = None
    if saved_id is not None:
        saved = _saved_get(tenant=tenant, connector_id=saved_id)
        kind = TYPES[saved.connector_type]
        clean = _unseal(tenant_id=tenant.pk, plain=saved.config, sealed=saved.secrets)
    else:
        kind = connector_type_get(type_name=connector_type)
        clean = config_clean(kind=kind, config=config)
    with backends.source_open(kind=kind.type, config=clean) as source:
        files = backends.file_count(source=source)
    plain, sealed = _seal(tenant_id=tenant.pk, kind=kind, config=clean)
    ttl = settings.WIKI_CONNECTOR_SESSION_TTL
    ConnectorSession.objects.filter(tenant=tenant, expires_at__lte=timezone.now()).delete()
    session = ConnectorSession.objects.create(
        tenant=tenant,
        connector_type=kind.type,
        config=plain,
        secrets=sealed,
        saved=saved,
        expires_at=timezone.now() + timedelta(seconds=ttl),
    )
    return {
        "success": True,
        "connector_id": str(session.id),
        "expires_in": ttl,
        "metadata": {"files_count": files, "type": kind.type},
    }


def connector_browse(*, tenant: Tenant, connector_id: uuid.UUID, path: str) -> dict[str, Any]:
    kind, config, _ = _resolve(tenant=tenant, connector_id=connector_id)
    with backends.source_open(kind=kind, config=config) as source:
        entries = backends.tree_list(source=source, path=path)
    shown = "/" + path.strip("/")
    return {"success": True, "path": shown, "entries": entries, "total": len(entries)}


def connector_generate(
    *, tenant: Tenant, connector_id: uuid.UUID, config: dict[str, Any], actor: str
) -> dict[str, Any]:
    """Fetch the tree into a working directory of its own (WIKI_WORK_DIR/<tenant>/<uuid>) and
    start the wiki job on it. A failed fetch leaves no directory behind."""
    from apps.wiki import services as wiki  # the generation part (layer: the same app)

    if hasattr(wiki, "generate_config_check"):
        wiki.generate_config_check(config)  # a bad config is refused before any fetch
    kind, conn_config, stable = _resolve(tenant=tenant, connector_id=connector_id)
    workdir = Path(settings.WIKI_WORK_DIR) / str(tenant.pk) / uuid.uuid4().hex
    workdir.mkdir(parents=True)
    try:
        with backends.source_open(kind=kind, config=conn_config) as source:
            fetched = backends.tree_fetch(source=source, dest=workdir)
        started = wiki.wiki_job_start(
            tenant=tenant, repo_path=workdir, config=config, actor=actor,
            source={"connector_type": kind, "connector_id": stable, "working_dir": True,
                    "files": fetched.files, "bytes": fetched.bytes},
        )  # fmt: skip
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return {**started, "fetched": {"files": fetched.files, "bytes": fetched.bytes}}


def connector_secrets_reencrypt() -> int:
    """Rewrite every saved secret not sealed under the first key; the number rewritten."""
    count = 0
    for model in (SavedConnector, ConnectorSession):
        for record in model.unscoped.all().iterator():
            if all(crypto.secret_is_current(blob) for blob in record.secrets.values()):
                continue
            record.secrets = {
                name: crypto.secret_encrypt(
                    tenant_id=record.tenant_id,
                    field=name,
                    value=crypto.secret_decrypt(
                        tenant_id=record.tenant_id, field=name, sealed=blob
                    ),
                )
                for name, blob in record.secrets.items()
            }
            model.unscoped.filter(pk=record.pk).update(secrets=record.secrets)
            count += 1
    return count
