"""The dashboard's charts, drawn by the bundled Chart.js."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from apps.console.services import usage_rollup
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_draws_its_charts_from_the_rollup(page, operator, alice):
    client = alice.client()
    for text in ("I live in Berlin.", "I like tea."):
        response = client.post(
            "/v1/memory/add", {"user_id": "u1", "messages": text, "infer": False}, format="json"
        )
        assert response.status_code == 200
    assert client.get("/v1/memory/00000000-0000-0000-0000-000000000000").status_code == 404
    usage_rollup()
    login(page, "olivia")
    WebDriverWait(page, 10).until(lambda d: "/admin/login/" not in d.current_url)
    canvases = WebDriverWait(page, 10).until(
        ec.presence_of_all_elements_located((By.TAG_NAME, "canvas"))
    )
    drawn = [c for c in canvases if c.size["width"] > 0 and c.size["height"] > 0]
    assert drawn, "no chart drawn on the dashboard"
    # Chart.js attached a chart to every canvas (a canvas without one stays blank)
    charted = page.execute_script(
        "return Array.from(document.querySelectorAll('canvas'))"
        ".filter(c => window.Chart && window.Chart.getChart(c)).length"
    )
    assert charted == len(canvases)
    # what the rollup counted is drawn (three requests of acme today, two memories added)
    plotted = page.execute_script(
        "return Array.from(document.querySelectorAll('canvas')).map(c => window.Chart.getChart(c))"
        ".flatMap(chart => chart.data.datasets.map(d => [d.label,"
        " d.data.reduce((a, b) => a + (+b || 0), 0)]))"
    )
    totals = dict(plotted)
    assert any(total >= 3 for total in totals.values()), totals
    screenshot(page, "dashboard")
