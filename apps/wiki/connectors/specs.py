"""The connector types, their fields (as GET /v1/wiki/connectors lists them) and which fields
are secrets (encrypted at rest, masked on output)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apps.core.errors import BadRequest

# What each field accepts, in the OpenAPI schema and in config_clean alike: a request the schema
# calls valid is never refused as invalid, and one it refuses is a 400. No field takes NUL
# (PostgreSQL's JSON cannot keep it).
TEXT = r"^[^\u0000]*$"
_HOST = r"(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])"
_PORT = (r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}"
         r"|[1-9][0-9]{0,3}))?")  # fmt: skip
_PATH = r"(?:/[^\u0000-\u0020]*)?"
HTTP_URL = rf"^https?://{_HOST}{_PORT}{_PATH}$"
GIT_URL = rf"^(?:https?://{_HOST}{_PORT}{_PATH}|file:///[^\u0000]*)$"
HOSTNAME = r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$"
REGION = r"^[a-z0-9][a-z0-9-]{0,39}$"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str
    secret: bool = False
    default: object = None
    pattern: str = TEXT

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "description": self.description,
            "secret": self.secret,
        }
        if self.default is not None:
            out["default"] = self.default
        return out

    def schema(self) -> dict[str, object]:
        if self.type == "integer":
            return {"type": "integer", "minimum": 1, "maximum": 65535}
        return {"type": "string", "maxLength": MAX_VALUE, "pattern": self.pattern,
                **({"minLength": 1} if self.required else {})}  # fmt: skip


@dataclass(frozen=True)
class ConnectorType:
    type: str
    name: str
    description: str
    fields: tuple[Field, ...]
    endpoint_template: str = ""  # S3-compatible clouds: the endpoint of a region

    @property
    def auth_required(self) -> bool:
        return any(f.secret and f.required for f in self.fields)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "auth_required": self.auth_required,
            "fields": [f.as_dict() for f in self.fields],
        }
        if self.endpoint_template:
            out["endpoint_template"] = self.endpoint_template
        return out


def _s3_like(region_default: str, region_help: str) -> tuple[Field, ...]:
    return (
        Field("bucket", "string", True, "Bucket name"),
        Field("prefix", "string", False, "Key prefix of the repository", default=""),
        Field("region", "string", False, region_help, default=region_default, pattern=REGION),
        Field(
            "endpoint",
            "string",
            False,
            "Endpoint URL (default: the region's public endpoint)",
            pattern=HTTP_URL,
        ),
        Field("access_key", "string", True, "Access key id"),
        Field("secret_key", "string", True, "Secret access key", secret=True),
    )


TYPES: dict[str, ConnectorType] = {
    t.type: t
    for t in (
        ConnectorType(
            "local",
            "Local Filesystem",
            "Browse local directories under WIKI_ALLOWED_ROOTS",
            (Field("path", "string", True, "Local directory path"),),
        ),
        ConnectorType(
            "git",
            "Git Repository",
            "Clone a git repository (depth 1)",
            (
                Field(
                    "url",
                    "string",
                    True,
                    "Repository URL: https://, http://, file:// under an allowed root",
                    pattern=GIT_URL,
                ),
                Field("branch", "string", False, "Branch or tag (default: the remote's HEAD)"),
                Field(
                    "token", "string", False, "Access token (sent as HTTP basic auth)", secret=True
                ),
            ),
        ),
        ConnectorType(
            "s3",
            "Amazon S3",
            "Amazon S3 or any S3-compatible store",
            _s3_like("us-east-1", "Region"),
        ),
        ConnectorType(
            "webdav",
            "WebDAV",
            "A WebDAV server (Nextcloud, ownCloud, Apache ...)",
            (
                Field("url", "string", True, "Base URL of the WebDAV share", pattern=HTTP_URL),
                Field("username", "string", False, "User name"),
                Field("password", "string", False, "Password", secret=True),
            ),
        ),
        ConnectorType(
            "sftp",
            "SFTP",
            "A directory on an SSH server",
            (
                Field("host", "string", True, "Host name or address", pattern=HOSTNAME),
                Field("port", "integer", False, "Port", default=22),
                Field("username", "string", True, "User name"),
                Field("password", "string", False, "Password", secret=True),
                Field("private_key", "string", False, "Private key (OpenSSH or PEM)", secret=True),
                Field("path", "string", False, "Base directory", default="/"),
            ),
        ),
        ConnectorType(
            "oss",
            "Alibaba Cloud OSS",
            "Alibaba Cloud OSS (S3-compatible endpoint)",
            _s3_like("cn-hangzhou", "Region, e.g. cn-hangzhou"),
            "https://oss-{region}.aliyuncs.com",
        ),
        ConnectorType(
            "cos",
            "Tencent Cloud COS",
            "Tencent Cloud COS (S3-compatible endpoint)",
            _s3_like("ap-guangzhou", "Region, e.g. ap-guangzhou"),
            "https://cos.{region}.myqcloud.com",
        ),
        ConnectorType(
            "obs",
            "Huawei Cloud OBS",
            "Huawei Cloud OBS (S3-compatible endpoint)",
            _s3_like("cn-north-4", "Region, e.g. cn-north-4"),
            "https://obs.{region}.myhuaweicloud.com",
        ),
    )
}
# The type names as one choice set (the OpenAPI enum WikiConnectorTypeEnum).
TYPE_CHOICES = sorted(TYPES)

MAX_VALUE = 16384  # a private key fits; anything longer is not a configuration


def connector_type_get(*, type_name: object) -> ConnectorType:
    if not isinstance(type_name, str) or type_name not in TYPES:
        raise BadRequest(
            "unknown connector type",
            code="wiki_connector_type_unknown",
            details={"allowed": sorted(TYPES)},
        )
    return TYPES[type_name]


def config_clean(*, kind: ConnectorType, config: object) -> dict[str, object]:
    """The configuration with only the type's fields, each of its declared type; defaults filled
    in. Anything else is refused with `wiki_connector_config_invalid` naming the field."""
    if not isinstance(config, dict):
        raise _invalid("config must be an object", field="config")
    known = {f.name: f for f in kind.fields}
    unknown = sorted(set(config) - set(known))
    if unknown:
        raise _invalid(f"unknown field {unknown[0]!r} for {kind.type}", field=unknown[0])
    out: dict[str, object] = {}
    for field in kind.fields:
        value = config.get(field.name, "")
        if value == "":
            if field.required:
                raise _invalid(f"{field.name} is required for {kind.type}", field=field.name)
            if field.default is not None:
                out[field.name] = field.default
            continue
        if field.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                raise _invalid(f"{field.name} must be a whole number 1-65535", field=field.name)
        elif (not isinstance(value, str) or len(value) > MAX_VALUE
              or not re.search(field.pattern, value)):  # fmt: skip
            message = f"{field.name}: at most {MAX_VALUE} characters matching {field.pattern}"
            raise _invalid(message, field=field.name)
        out[field.name] = value
    if kind.type == "sftp" and not (out.get("password") or out.get("private_key")):
        raise _invalid("sftp needs a password or a private_key", field="password")
    return out


def _invalid(message: str, *, field: str) -> BadRequest:
    return BadRequest(message, code="wiki_connector_config_invalid", details={"field": field})


def config_schema(kind: ConnectorType) -> dict[str, object]:
    schema: dict[str, object] = {
        "type": "object", "additionalProperties": False,
        "required": [f.name for f in kind.fields if f.required],
        "properties": {f.name: f.schema() for f in kind.fields},
    }  # fmt: skip
    if kind.type == "sftp":
        nonempty = {"type": "string", "minLength": 1}
        schema["anyOf"] = [{"required": [name], "properties": {name: nonempty}}
                           for name in ("password", "private_key")]  # fmt: skip
    return schema
