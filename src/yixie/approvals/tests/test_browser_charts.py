"""The turnaround page in real Chromium: ECharts (served by the app, no CDN) draws both charts."""

import pytest
from playwright.sync_api import expect

from .test_browser import as_user
from .turnaround_data import decided_reviews

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_turnaround_charts_render_with_echarts(browser, live_server, city):
    decided_reviews(city)
    page = as_user(browser, live_server, "bianban")
    failed = []
    # What the chart needs (scripts, styles, the page): the browser's own favicon fetch may be cut off when
    # the test ends, which is not the page's failure.
    page.on("requestfailed", lambda request: failed.append(request.url)
            if request.resource_type in ("document", "script", "stylesheet", "xhr", "fetch") else None)
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.goto(f"{live_server.url}/approvals/stats/")
    chart = page.locator("#turnaround-chart")
    expect(chart.locator("svg").first).to_be_visible()
    expect(page.locator("#same-day-chart svg").first).to_be_visible()
    assert page.evaluate("typeof window.echarts") == "object"
    assert page.evaluate("window.echarts.getInstanceByDom(document.getElementById('turnaround-chart')) !== undefined")
    # The axis labels and the legend are text in the SVG (Chinese, in the page's fonts); the fallback text is gone.
    expect(chart).to_contain_text("编办审核")
    expect(chart).to_contain_text("用时中位数")
    expect(chart).not_to_contain_text("图表未能显示")
    expect(page.locator("#steps")).to_contain_text("两办受理")
    assert failed == []
