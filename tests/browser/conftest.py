"""A real headless Chromium (Debian's `chromium` + `chromium-driver`) driven by Selenium against
pytest-django's live server. One browser for the session; each test starts logged out, and fails
on a JavaScript error in the browser console or on a request to a host other than loopback
(nothing in the console may come from a CDN)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
INSTALL_HINT = (
    "the browser tests need Debian's Chromium and its driver: "
    "apt-get install -y --no-install-recommends chromium chromium-driver "
    "(.ci/run does this when /usr/bin/chromedriver is missing)"
)
WIDTH, HEIGHT = 1440, 900
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium keeps calling Google services, which the closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    f"--window-size={WIDTH},{HEIGHT}",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PASSWORD = "console-test-password"


@pytest.fixture(scope="session")
def browser(live_server) -> Iterator[object]:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} not found: {INSTALL_HINT}", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="memplatform-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # The page itself 1440x900 (the window size counts the browser's frame too).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def outside_requests(entries: list[dict]) -> list[str]:
    """URLs of requests the pages made to hosts other than loopback (from the performance log)."""
    urls = []
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOOPBACK:
            urls.append(url)
    return urls


@pytest.fixture(scope="session")
def live_server(django_db_setup) -> Iterator[object]:
    """pytest-django's live server, stopped before the test database is dropped (its own
    fixture does not depend on the database, so it outlived it and the drop failed)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """The browser, logged out, with empty logs; after the test, no JavaScript error and no
    request that left the machine."""
    browser.delete_all_cookies()
    browser.get_log("browser")
    browser.get_log("performance")
    browser.live_server_url = live_server.url
    yield browser
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"
              and not e["message"].startswith(f"{live_server.url}/favicon.ico ")]  # fmt: skip
    outside = outside_requests(browser.get_log("performance"))
    assert not errors, f"JavaScript errors in the console: {errors}"
    assert not outside, f"requests to hosts other than loopback: {outside}"


@pytest.fixture
def operator(transactional_db):
    """A platform operator with a console account (superuser)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        username="olivia", email="olivia@example.test", password=PASSWORD
    )


def screenshot(browser: object, name: str, show: object = None) -> None:
    """With CONSOLE_SCREENSHOTS=<dir>, saves the page (scrolled to the element `show` if given)
    as <dir>/<name>.png, 1440x900."""
    folder = os.environ.get("CONSOLE_SCREENSHOTS", "")
    if folder:
        if show is not None:
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", show)
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def open_page(browser: object, path: str) -> None:
    browser.get(browser.live_server_url + path)


def login(browser: object, username: str, password: str = PASSWORD, then: str = "/admin/") -> None:
    """Signs in through the console's login form, as a person would, landing on `then`."""
    from selenium.webdriver.common.by import By

    open_page(browser, f"/admin/login/?next={then}")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form [type=submit]"))


def submit(browser: object, element: object, *keys: str) -> None:
    """Clicks `element` (or types `keys` into it) and waits for the next page to load: Selenium
    returns from a click before the browser has left the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    if keys:
        element.send_keys(*keys)
    else:
        element.click()
    WebDriverWait(browser, 20).until(ec.staleness_of(old))
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def run_action(browser: object, action: str, rows: list[object]) -> None:
    """Ticks the given changelist rows, picks `action` and runs it, as a person would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for row in rows:
        row.find_element(By.CSS_SELECTOR, "input[name=_selected_action]").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value(action)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name=index]"))
