"""Promoting a FAQ candidate from the console and reading its history."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.pipeline.faq import candidates_mark
from tests.browser.conftest import login, run_action, screenshot, submit

pytestmark = pytest.mark.django_db(transaction=True)
FAQ = "/admin/pipeline/faqentry/"
QUESTION = "How do I reset my password?"
QA = [{"role": "user", "content": QUESTION},
      {"role": "assistant", "content": "Open Settings, then Security, then Reset password."}]  # fmt: skip


@pytest.fixture
def candidate(alice, settings) -> Memory:
    settings.FAQ_CANDIDATE_HEAT = 3
    for user in ("u1", "u2", "u3"):  # the same question from three users
        response = alice.client().post(
            "/v1/memory/add", {"user_id": user, "messages": QA, "infer": True}, format="json"
        )
        assert response.status_code == 200
    with tenant_scope(alice.tenant.pk):
        assert candidates_mark(tenant=alice.tenant) == 1
        return Memory.objects.get(kind="faq_candidate")


def rows(page) -> list:
    return page.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")


def test_an_operator_promotes_a_candidate_and_sees_it_in_the_faq(page, operator, alice, candidate):
    login(page, "olivia", then=FAQ)
    [row] = [r for r in rows(page) if QUESTION in r.text]
    assert "faq_candidate" in row.text
    screenshot(page, "faq")
    run_action(page, "promote", rows=[row])
    assert "1 changed." in page.find_element(By.TAG_NAME, "body").text
    [row] = [r for r in rows(page) if QUESTION in r.text]
    assert "faq_candidate" not in row.text and "faq" in row.text.split()
    candidate.refresh_from_db()
    assert candidate.kind == "faq"
    stats = alice.client().get("/v1/admin/faq/stats").json()
    assert (stats["faqs"], stats["promotions"]) == (1, 1)
    # its history names the move and the operator
    submit(page, row.find_element(By.CSS_SELECTOR, "a[href*='/change/']"))
    shown = page.find_element(By.TAG_NAME, "body").text
    assert "faq_candidate → faq: promoted in the console (console:olivia)" in shown
