"""Consent: grants and withdrawals per user and purpose, and the processing gate that enforces
the purposes a tenant requires.

A consent row is never changed or deleted (except by a GDPR erasure of the user): the user's
consent for a purpose is the latest row, the rows before it are the history a compliance
officer is shown. Each row says when, under which policy version, how it was collected and by
which API key.

Enforcement is the tenant's choice: `settings["required_consents"]` lists the purposes that
must be granted before anything is stored, extracted or looked up for a user (default: none,
no enforcement). The gate (registered with apps.memories.registry) asks one indexed query per
check, and none at all for a tenant that requires nothing. A malformed setting refuses every
processing (fails closed) rather than letting it through unchecked: a compliance setting that
silently does nothing is worse than an outage the operator sees at once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from apps.core.errors import Forbidden
from apps.privacy.models import Consent
from apps.tenants.models import Tenant

SETTING = "required_consents"
ACTIVITY_WORDS = {
    "store": "storing memories",
    "extract": "extracting memories",
    "chat": "using memory in chat",
}


# --- services ---------------------------------------------------------------------------------


def consent_record(
    *,
    tenant: Tenant,
    user_id: str,
    purpose: str,
    granted: bool,
    policy_version: str = "",
    method: str = "api",
    api_key_id: int | None = None,
) -> Consent:
    """A grant or a withdrawal, as a new row: the history is never rewritten."""
    return Consent.objects.create(
        tenant=tenant,
        user_id=user_id,
        purpose=purpose,
        granted=granted,
        policy_version=policy_version,
        method=method or "api",
        api_key_id=api_key_id,
    )


# --- selectors --------------------------------------------------------------------------------


def consent_latest(
    *, tenant: Tenant, user_id: str, purposes: Collection[str] | None = None
) -> dict[str, Consent]:
    """The latest row per purpose ({purpose: row}), in one query on the (tenant, user_id,
    purpose, recorded_at) index; `purposes` limits it to those."""
    rows = Consent.objects.filter(tenant=tenant, user_id=user_id)
    if purposes is not None:
        rows = rows.filter(purpose__in=list(purposes))
    rows = rows.order_by("purpose", "-recorded_at", "-id").distinct("purpose")
    return {row.purpose: row for row in rows}


def consent_history(
    *, tenant: Tenant, user_id: str, purpose: str | None = None, limit: int = 200
) -> list[Consent]:
    """The user's rows, newest first (`limit` at most)."""
    rows = Consent.objects.filter(tenant=tenant, user_id=user_id)
    if purpose is not None:
        rows = rows.filter(purpose=purpose)
    return list(rows.order_by("-recorded_at", "-id")[:limit])


@dataclass
class ConsentState:
    purpose: str
    has_consent: bool
    latest: Consent | None  # None: never asked
    required: bool  # the tenant requires it for processing


def consent_check(*, tenant: Tenant, user_id: str, purpose: str) -> ConsentState:
    latest = consent_latest(tenant=tenant, user_id=user_id, purposes=[purpose]).get(purpose)
    return ConsentState(
        purpose=purpose,
        has_consent=bool(latest and latest.granted),
        latest=latest,
        required=purpose in _required_or_empty(tenant),
    )


@dataclass
class PurposeHistory:
    purpose: str
    has_consent: bool
    required: bool
    history: list[Consent]  # newest first


@dataclass
class ConsentOverview:
    required: list[str]  # the tenant's required purposes
    missing: list[str]  # of those, the ones the user has not granted
    purposes: list[PurposeHistory]  # every purpose asked or required, by name


def consent_overview(
    *, tenant: Tenant, user_id: str, purpose: str | None = None, limit: int = 200
) -> ConsentOverview:
    """The user's consents per purpose with their history (the `limit` newest rows in all;
    `has_consent` comes from the latest row whatever the limit). `purpose` narrows it to one."""
    wanted = [purpose] if purpose else None
    latest = consent_latest(tenant=tenant, user_id=user_id, purposes=wanted)
    rows = consent_history(tenant=tenant, user_id=user_id, purpose=purpose, limit=limit)
    required = _required_or_empty(tenant)
    names = sorted(set(latest) | set(required if purpose is None else [purpose]))
    purposes = [
        PurposeHistory(
            purpose=name,
            has_consent=bool(name in latest and latest[name].granted),
            required=name in required,
            history=[r for r in rows if r.purpose == name],
        )
        for name in names
    ]
    missing = [p for p in required if not (p in latest and latest[p].granted)]
    if purpose is not None:
        missing = [p for p in missing if p == purpose]
    return ConsentOverview(required=required, missing=missing, purposes=purposes)


def consent_required_purposes(*, tenant: Tenant) -> list[str]:
    """The tenant's `required_consents`: a list of purposes (a single string is one purpose).
    Raises Forbidden (consent_required) when the setting is neither: see the module's note."""
    value = tenant.settings.get(SETTING) if isinstance(tenant.settings, dict) else None
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise Forbidden(
            f"The tenant's {SETTING} setting is not a list of purposes, so consent cannot be "
            "checked and processing is refused; an operator must correct the setting.",
            code="consent_required",
        )
    return list(dict.fromkeys(p.strip() for p in value))


def _required_or_empty(tenant: Tenant) -> list[str]:
    try:
        return consent_required_purposes(tenant=tenant)
    except Forbidden:
        return []


def consent_missing(*, tenant: Tenant, user_id: str) -> list[str]:
    """The required purposes the user has not granted (latest row missing or a withdrawal)."""
    required = consent_required_purposes(tenant=tenant)
    if not required:
        return []
    granted = dict(
        Consent.objects.filter(tenant=tenant, user_id=user_id, purpose__in=required)
        .order_by("purpose", "-recorded_at", "-id")
        .distinct("purpose")
        .values_list("purpose", "granted")
    )  # the latest row per purpose, as consent_latest, without building the rows
    return [p for p in required if not granted.get(p)]


# --- the processing gate (apps.memories.registry) ---------------------------------------------


def consent_gate(*, tenant: Tenant, user_id: str, activity: str) -> None:
    """Refuses (403 consent_required) storing, extraction and chat memory for a user who has
    not granted every purpose the tenant requires. The message names the purposes, never the
    user (it may be kept, e.g. as a batch's error)."""
    missing = consent_missing(tenant=tenant, user_id=user_id)
    if missing:
        raise Forbidden(
            f"Consent required before {ACTIVITY_WORDS.get(activity, activity)} for this user: "
            f"{', '.join(missing)} (record it with POST /v1/security/gdpr/consent).",
            code="consent_required",
            details={"missing": missing, "activity": activity},
        )
