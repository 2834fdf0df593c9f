"""Banning an address from the console, seeing the API refuse it, and lifting the ban."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from apps.defense import guard
from apps.defense.models import IpRule
from tests.browser.conftest import login, run_action, screenshot, submit

pytestmark = pytest.mark.django_db(transaction=True)
RULES = "/admin/defense/iprule/"
ADDRESS = "198.51.100.7"


def served(actor) -> int:
    return actor.client().get("/v1/memory?user_id=u1", REMOTE_ADDR=ADDRESS).status_code


def test_an_operator_bans_an_address_and_lifts_the_ban(page, operator, alice):
    assert served(alice) == 200
    login(page, "olivia", then=f"{RULES}add/")
    Select(page.find_element(By.NAME, "kind")).select_by_value("ban")
    page.find_element(By.NAME, "network").send_keys(ADDRESS)
    page.find_element(By.NAME, "reason").send_keys("credential stuffing")
    submit(page, page.find_element(By.NAME, "_save"))
    assert page.current_url.endswith(RULES)
    [row] = page.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert ADDRESS in row.text and "credential stuffing" in row.text
    rule = IpRule.objects.get()
    assert rule.created_by == "console:olivia"
    refused = alice.client().get("/v1/memory?user_id=u1", REMOTE_ADDR=ADDRESS)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ip_banned"
    screenshot(page, "ip-rules")

    run_action(page, "lift", rows=[row])
    assert "Lifted 1 rule(s)." in page.find_element(By.TAG_NAME, "body").text
    assert not page.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert not IpRule.objects.exists()
    assert served(alice) == 200
    guard.rules_invalidate()


def test_a_bad_network_is_refused_on_the_form(page, operator):
    login(page, "olivia", then=f"{RULES}add/")
    Select(page.find_element(By.NAME, "kind")).select_by_value("ban")
    page.find_element(By.NAME, "network").send_keys("1.2.3")
    submit(page, page.find_element(By.NAME, "_save"))
    assert "not an IP address" in page.find_element(By.TAG_NAME, "body").text
    assert not IpRule.objects.exists()
