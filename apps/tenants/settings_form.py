"""The tenant's settings as form fields for the console (never raw JSON). Each field is one key
of `Tenant.settings` that the platform reads; an empty field removes the key (the platform
default applies). An invalid value is a form error and nothing is saved."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.tenants.models import Tenant

PURPOSE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
ENGINE_CHOICES = [("", "default (the LLM when one is configured)"), ("llm", "llm"),
                  ("rules", "rules (never call the LLM)")]  # fmt: skip
HEAT_FIELDS = {
    "heat_alpha": "alpha",
    "heat_beta": "beta",
    "heat_gamma": "gamma",
    "heat_tau_hours": "tau_hours",
    "heat_profile_threshold": "profile_threshold",
}


def _heat_field(label: str) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, min_value=0, max_value=1_000_000)


class TenantSettingsForm(forms.ModelForm):
    rate_limit_per_minute = forms.IntegerField(
        required=False, min_value=1, max_value=1_000_000,
        help_text="Requests per minute per key; empty: RATE_LIMIT_PER_MINUTE.",
    )  # fmt: skip
    extractor = forms.ChoiceField(choices=ENGINE_CHOICES, required=False)
    reconciler = forms.ChoiceField(choices=ENGINE_CHOICES, required=False)
    chat_infer = forms.BooleanField(
        required=False, initial=True, label="Chat remembers its exchanges (chat_infer)"
    )
    required_consents = forms.CharField(
        required=False,
        help_text="Purposes an end user must consent to before data is stored, comma-separated.",
    )
    heat_alpha = _heat_field("Heat: weight of visits (alpha)")
    heat_beta = _heat_field("Heat: weight of size (beta)")
    heat_gamma = _heat_field("Heat: weight of recency (gamma)")
    heat_tau_hours = _heat_field("Heat: recency half-life, hours (tau_hours)")
    heat_profile_threshold = _heat_field("Heat: profile threshold")

    class Meta:
        model = Tenant
        fields = ["slug", "name", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.settings if isinstance(self.instance.settings, dict) else {}
        for name in ("rate_limit_per_minute", "extractor", "reconciler"):
            self.initial.setdefault(name, current.get(name) or "")
        self.initial.setdefault("chat_infer", current.get("chat_infer", True) is not False)
        consents = current.get("required_consents") or []
        if isinstance(consents, str):
            consents = [consents]
        self.initial.setdefault("required_consents", ", ".join(map(str, consents)))
        heat = current.get("heat") if isinstance(current.get("heat"), dict) else {}
        for name, key in HEAT_FIELDS.items():
            self.initial.setdefault(name, heat.get(key))

    def clean_required_consents(self) -> list[str]:
        raw = self.cleaned_data.get("required_consents") or ""
        purposes = [p.strip() for p in raw.split(",") if p.strip()]
        bad = [p for p in purposes if not PURPOSE.match(p)]
        if bad:
            raise forms.ValidationError(
                f"Not a purpose name (lowercase letters, digits, _ . -): {', '.join(bad)}"
            )
        return list(dict.fromkeys(purposes))

    def settings_changes(self) -> dict[str, Any]:
        """The keys to merge into Tenant.settings (None removes a key)."""
        data = self.cleaned_data
        heat = {key: data[name] for name, key in HEAT_FIELDS.items() if data.get(name) is not None}
        return {
            "rate_limit_per_minute": data.get("rate_limit_per_minute"),
            "extractor": data.get("extractor") or None,
            "reconciler": data.get("reconciler") or None,
            "chat_infer": None if data.get("chat_infer") else False,
            "required_consents": data.get("required_consents") or None,
            "heat": heat or None,
        }
