"""The console's sidebar, grouped by domain and built per request from the admin registry.

Other apps register their model admins on their own schedule, so the sidebar never names a URL
up front: a model appears once its admin is registered and the operator may view it, and a
model that is not registered is simply absent (never a NoReverseMatch)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

# (title, icon, [(app_label, model_name or "*"), ...]); order is the sidebar's order.
DOMAINS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Tenants & keys", "apartment", [("tenants", "*")]),
    ("Memories", "psychology", [("memories", "memory"), ("memories", "memoryversion"),
                                ("memories", "message"), ("memories", "*"), ("compat", "*")]),
    ("Pipeline", "conveyor_belt", [("memories", "addbatch"), ("pipeline", "*")]),
    ("Graph", "hub", [("graph", "*")]),
    ("Multimodal", "perm_media", [("multimodal", "*")]),
    ("Wiki", "menu_book", [("wiki", "*")]),
    ("Privacy & consent", "privacy_tip", [("privacy", "*")]),
    ("Security", "shield", [("audit", "*"), ("defense", "*"), ("auth", "*")]),
    ("Operations", "monitor_heart", [("jobs", "*"), ("core", "*"), ("console", "*")]),
]  # fmt: skip
OTHER = ("Other", "more_horiz")


def _domain_of(app_label: str, model_name: str) -> int:
    """Index in DOMAINS of a model: an exact (app, model) entry wins over the app's "*"."""
    wildcard = len(DOMAINS)
    for index, (_title, _icon, members) in enumerate(DOMAINS):
        if (app_label, model_name) in members:
            return index
        if (app_label, "*") in members and wildcard == len(DOMAINS):
            wildcard = index
    return wildcard


def _order_in_domain(index: int, app_label: str, model_name: str) -> int:
    if index >= len(DOMAINS):
        return 0
    members = DOMAINS[index][2]
    if (app_label, model_name) in members:
        return members.index((app_label, model_name))
    return members.index((app_label, "*"))


def sidebar(request: HttpRequest) -> list[dict[str, Any]]:
    """UNFOLD["SIDEBAR"]["navigation"]: one group per domain that has a model to show."""
    groups: dict[int, list[tuple[tuple[int, str], dict[str, Any]]]] = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(request):
            continue
        try:
            link = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        index = _domain_of(opts.app_label, opts.model_name)
        order = (_order_in_domain(index, opts.app_label, opts.model_name), str(opts.verbose_name))
        item = {"title": capfirst(str(opts.verbose_name_plural)), "link": link}
        groups.setdefault(index, []).append((order, item))
    result: list[dict[str, Any]] = [
        {"title": "Console", "separator": False, "items": [
            {"title": "Dashboard", "icon": "dashboard", "link": reverse("admin:index")},
        ]},
    ]  # fmt: skip
    for index in sorted(groups):
        title, icon = DOMAINS[index][:2] if index < len(DOMAINS) else OTHER
        items = [item for _order, item in sorted(groups[index], key=lambda pair: pair[0])]
        for item in items:
            item["icon"] = icon
        result.append({"title": title, "separator": True, "collapsible": True, "items": items})
    return result
