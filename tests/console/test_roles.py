"""The console's roles (apps.console.roles): support reads without memory text and changes
nothing, operators run the platform's domains but not privacy, compliance runs privacy."""

from __future__ import annotations

import base64
import hashlib
import io

from django.contrib.auth.models import Group
from django.core.management import call_command

from apps.console.roles import console_roles_ensure
from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.multimodal.models import MultimodalItem, MultimodalObject
from tests.console.staff import console_client
from tests.memories.factories import make_memories

SECRET = "Alice hides the spare key under the blue flowerpot"


def test_the_command_is_idempotent_and_resets_a_hand_edit(db):
    first = console_roles_ensure()
    support = Group.objects.get(name="support")
    support.permissions.clear()
    call_command("console_roles", stdout=io.StringIO())
    assert console_roles_ensure() == first
    assert support.permissions.count() == first["support"] > 0
    assert not support.permissions.filter(codename="view_memory_text").exists()
    assert (
        Group.objects.get(name="compliance")
        .permissions.filter(codename="view_memory_text")
        .exists()
    )
    assert (
        not Group.objects.get(name="operator")
        .permissions.filter(content_type__app_label="privacy")
        .exists()
    )


def test_support_sees_memories_without_text_and_cannot_change(tenant_a):
    [memory] = make_memories(tenant_a, "u1", [SECRET])
    sue = console_client("sue", groups=("support",))
    listing = sue.get("/admin/memories/memory/")
    assert listing.status_code == 200 and SECRET not in listing.content.decode()
    detail = sue.get(f"/admin/memories/memory/{memory.pk}/change/")
    assert detail.status_code == 200 and SECRET not in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    for page in (
        "/admin/graph/entity/",
        "/admin/privacy/privacyrequest/",
        "/admin/audit/auditevent/",
        "/admin/core/failedtask/",
        "/admin/defense/iprule/",
        "/admin/wiki/wikipage/",
    ):
        assert sue.get(page).status_code == 200, page
    carol = console_client("carol", groups=("compliance",))
    assert SECRET in carol.get(f"/admin/memories/memory/{memory.pk}/change/").content.decode()
    with tenant_scope(tenant_a.pk):
        assert Memory.objects.get(pk=memory.pk).value == SECRET


def test_an_operator_has_no_privacy_pages(db):
    otto = console_client("otto", groups=("operator",))
    assert otto.get("/admin/privacy/privacyrequest/").status_code == 403
    assert otto.get("/admin/privacy/consent/").status_code == 403
    assert otto.get("/admin/graph/entity/").status_code == 200


def test_a_multimodal_item_shows_a_summary_and_a_download_never_base64(tenant_a):
    payload = b"\x89PNG fake image bytes" * 20
    encoded = base64.b64encode(payload).decode()
    with tenant_scope(tenant_a.pk):
        item = MultimodalItem.objects.create(
            tenant=tenant_a,
            user_id="u1",
            text="a photo",
            captions="a red bicycle",
            parts=[
                {
                    "type": "image",
                    "mime_type": "image/png",
                    "data": encoded,
                    "caption": "a red bicycle",
                }
            ],
        )
        MultimodalObject.objects.create(
            tenant=tenant_a,
            item=item,
            user_id="u1",
            part=0,
            content_type="image/png",
            size=len(payload),
            data=payload,
            sha256=hashlib.sha256(payload).hexdigest(),
        )
    sue = console_client("sue", groups=("support",))
    html = sue.get(f"/admin/multimodal/multimodalitem/{item.pk}/change/").content.decode()
    assert "a red bicycle" in html and encoded[:40] not in html
    url = f"/admin/multimodal/multimodalitem/{item.pk}/object/0/"
    assert url in html
    download = sue.get(url)
    assert download.status_code == 200 and download.content == payload
    assert download["Content-Type"] == "image/png"
