"""Starting an erasure for an end user from the console and reading its receipt."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from apps.memories.models import Memory
from apps.privacy.models import PrivacyRequest
from tests.browser.conftest import login, screenshot, submit

pytestmark = pytest.mark.django_db(transaction=True)
REQUESTS = "/admin/privacy/privacyrequest/"


def remember(actor, user_id: str, text: str) -> None:
    response = actor.client().post(
        "/v1/memory/add", {"user_id": user_id, "messages": text, "infer": False}, format="json"
    )
    assert response.status_code == 200, response.content


def test_a_compliance_officer_erases_a_user_and_reads_the_receipt(page, operator, alice):
    remember(alice, "u1", "I live in Berlin.")
    remember(alice, "u1", "My sister is Anna.")
    remember(alice, "u2", "I live in Paris.")
    login(page, "olivia", then=REQUESTS)
    submit(page, page.find_element(By.LINK_TEXT, "Start an export or an erasure"))
    form = page.find_element(By.ID, "privacy-start")
    Select(form.find_element(By.NAME, "tenant")).select_by_visible_text("acme")
    form.find_element(By.NAME, "user_id").send_keys("u1")
    Select(form.find_element(By.NAME, "kind")).select_by_value("erasure")
    submit(page, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    erasure = PrivacyRequest.unscoped.get()
    assert erasure.kind == "erasure" and erasure.status == "done" and not erasure.dry_run
    assert f"/admin/privacy/privacyrequest/{erasure.pk}/change/" in page.current_url
    shown = page.find_element(By.TAG_NAME, "body").text
    assert "Erasure done; receipt below." in shown
    assert erasure.receipt_hash and erasure.receipt_hash in shown
    counts = page.find_element(By.CSS_SELECTOR, "table.receipt-counts").text
    assert f"memories {erasure.counts['memories']}" in counts and erasure.counts["memories"] >= 2
    assert "Berlin" not in shown  # a receipt counts, it does not quote
    receipt = page.find_element(By.XPATH, f"//code[text()='{erasure.receipt_hash}']")
    screenshot(page, "privacy-receipt", show=receipt)
    users = set(Memory.unscoped.filter(tenant=alice.tenant).values_list("user_id", flat=True))
    assert users == {"u2"}


def test_the_start_form_refuses_a_missing_user_id(page, operator, alice):
    login(page, "olivia", then=f"{REQUESTS}start/")
    form = page.find_element(By.ID, "privacy-start")
    Select(form.find_element(By.NAME, "tenant")).select_by_visible_text("acme")
    Select(form.find_element(By.NAME, "kind")).select_by_value("erasure")
    page.execute_script("arguments[0].noValidate = true", form)  # past the browser's own check
    submit(page, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "This field is required." in page.find_element(By.TAG_NAME, "body").text
    assert not PrivacyRequest.unscoped.exists()
