"""Finding an end user's memory in the console and reading its history; what a support person
(no `view_memory_text`) sees of the same memory."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from apps.console.roles import SUPPORT, console_roles_ensure
from apps.memories.models import Memory
from tests.browser.conftest import PASSWORD, login, open_page, screenshot, submit

pytestmark = pytest.mark.django_db(transaction=True)
MEMORIES = "/admin/memories/memory/"


def remember(actor, user_id: str, text: str) -> Memory:
    response = actor.client().post(
        "/v1/memory/add", {"user_id": user_id, "messages": text, "infer": False}, format="json"
    )
    assert response.status_code == 200, response.content
    return Memory.unscoped.filter(tenant=actor.tenant, user_id=user_id).latest("created_at")


@pytest.fixture
def moved(alice, charlie) -> Memory:
    """u1 of tenant A moved from Berlin to Hamburg (two versions); others live elsewhere."""
    memory = remember(alice, "u1", "I live in Berlin.")
    response = alice.client().patch(
        f"/v1/memory/{memory.pk}", {"memory": "I live in Hamburg now."}, format="json"
    )
    assert response.status_code == 200, response.content
    remember(alice, "u2", "I live in Paris.")
    remember(charlie, "u1", "I live in Lisbon.")
    return memory


def body(page) -> str:
    return page.find_element(By.TAG_NAME, "body").text


def test_an_operator_finds_a_users_memory_and_reads_its_history(page, operator, moved):
    login(page, "olivia", then=MEMORIES)
    listed = body(page)
    assert "Hamburg" in listed and "Paris" in listed and "Lisbon" in listed
    screenshot(page, "memory-list")
    search = page.find_element(By.NAME, "q")
    submit(page, search, "Hamburg", Keys.ENTER)
    rows = page.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1
    assert "Hamburg" in rows[0].text and "u1" in rows[0].text
    submit(page, rows[0].find_element(By.CSS_SELECTOR, "a[href*='/change/']"))
    assert f"/admin/memories/memory/{moved.pk}/change/" in page.current_url
    detail = body(page)
    # the versions inline: the first value and the update to the current one
    assert "I live in Berlin." in detail and "I live in Hamburg now." in detail
    assert "Paris" not in detail and "Lisbon" not in detail
    berlin = page.find_element(By.XPATH, "//*[normalize-space(text())='I live in Berlin.']")
    screenshot(page, "memory-detail", show=berlin)


def test_the_user_id_filter_lists_only_that_users_memories(page, operator, moved):
    login(page, "olivia", then=f"{MEMORIES}?user_id=u2")
    rows = page.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1 and "Paris" in rows[0].text


def test_the_support_role_sees_memories_but_not_their_text(page, moved):
    console_roles_ensure()
    support = get_user_model().objects.create_user(username="sam", password=PASSWORD, is_staff=True)
    support.groups.add(Group.objects.get(name=SUPPORT))
    login(page, "sam", then=MEMORIES)
    listed = body(page)
    assert "u1" in listed and "(hidden)" in listed
    assert not any(city in listed for city in ("Berlin", "Hamburg", "Paris", "Lisbon"))
    submit(page, page.find_element(By.NAME, "q"), "Hamburg", Keys.ENTER)
    assert not page.find_elements(By.CSS_SELECTOR, "#result_list tbody tr a[href*='/change/']")
    open_page(page, f"{MEMORIES}{moved.pk}/change/")
    detail = body(page)
    assert "(hidden)" in detail
    assert "Berlin" not in detail and "Hamburg" not in detail
    assert not page.find_elements(By.CSS_SELECTOR, "input[name=action]")  # read-only
