"""AES-256-GCM for connector secrets, with key rotation.

Keys come from WIKI_CONNECTOR_KEYS (comma-separated base64 32-byte keys): the first encrypts, all
decrypt, so a new key is put first and the old one kept until `manage.py
wiki_connectors_reencrypt` has rewritten every saved secret. Without the setting one key is
derived from SECRET_KEY with HKDF (a separate `info`, so it is never the key Django signs with).
Each ciphertext carries the id of its key (the first 8 hex digits of the key's SHA-256), its
96-bit random nonce, and is bound to its tenant and field name as associated data: a secret
copied into another tenant's row or another field does not decrypt."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.core.errors import AppError


class SecretUndecryptable(AppError):
    """Sealed under a key no longer configured (or copied from elsewhere): save it again."""

    status = 409
    default_code = "wiki_connector_secret_undecryptable"


@dataclass(frozen=True)
class Key:
    kid: str
    aead: AESGCM


def _key(raw: bytes) -> Key:
    return Key(kid=hashlib.sha256(raw).hexdigest()[:8], aead=AESGCM(raw))


@cache
def _keyring(spec: str, secret_key: str) -> tuple[Key, ...]:
    if not spec.strip():
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"memplatform-wiki-connectors",
            info=b"connector secrets v1",
        ).derive(secret_key.encode())
        return (_key(derived),)
    keys = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        try:
            raw = base64.b64decode(item, validate=True)
        except ValueError:
            raise ImproperlyConfigured("WIKI_CONNECTOR_KEYS: a key is not base64") from None
        if len(raw) != 32:
            raise ImproperlyConfigured("WIKI_CONNECTOR_KEYS: every key must be 32 bytes")
        keys.append(_key(raw))
    return tuple(keys)


def keyring() -> tuple[Key, ...]:
    return _keyring(settings.WIKI_CONNECTOR_KEYS, settings.SECRET_KEY)


def _aad(tenant_id: int, field: str) -> bytes:
    return f"{tenant_id}:{field}".encode()


def secret_encrypt(*, tenant_id: int, field: str, value: str) -> dict[str, str]:
    key = keyring()[0]
    nonce = os.urandom(12)
    ct = key.aead.encrypt(nonce, value.encode(), _aad(tenant_id, field))
    return {"kid": key.kid, "ct": base64.b64encode(nonce + ct).decode()}


def secret_decrypt(*, tenant_id: int, field: str, sealed: dict[str, str]) -> str:
    for key in keyring():
        if key.kid != sealed.get("kid"):
            continue
        blob = base64.b64decode(sealed.get("ct", ""))
        try:
            return key.aead.decrypt(blob[:12], blob[12:], _aad(tenant_id, field)).decode()
        except InvalidTag:
            break
    raise SecretUndecryptable(
        f"the saved secret {field!r} cannot be decrypted with the configured keys",
        details={"field": field, "kid": sealed.get("kid", "")},
    )


def secret_is_current(sealed: dict[str, str]) -> bool:
    return sealed.get("kid") == keyring()[0].kid


def mask(value: str) -> str:
    """ "****" and the last 4 characters; a short secret shows nothing of itself."""
    return "****" + value[-4:] if len(value) >= 12 else "****"
