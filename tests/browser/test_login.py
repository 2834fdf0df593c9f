"""Signing in to the console through its login form."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import login, open_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_console(page, operator):
    login(page, "olivia", "not-the-password")
    assert "/admin/login/" in page.current_url
    assert "correct username and password" in page.find_element(By.TAG_NAME, "body").text
    login(page, "olivia")
    WebDriverWait(page, 10).until(lambda d: "/admin/login/" not in d.current_url)
    assert page.current_url.rstrip("/").endswith("/admin")
    open_page(page, "/admin/")
    assert "/admin/login/" not in page.current_url  # the session holds
