"""The Content-Security-Policy in real Chromium (docs/decisions/0020): the busiest pages load, draw and behave
with no violation reported, and the behaviours moved out of inline handlers still work."""

import pytest
from playwright.sync_api import expect

from yixie.approvals.tests.turnaround_data import decided_reviews
from yixie.testing.factories import PASSWORD, establish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watched(browser, live_server, username):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()
    return page, problems


def test_no_csp_violation_on_the_busiest_pages(browser, live_server, city):
    decided_reviews(city)
    page, problems = watched(browser, live_server, "bianban")
    response = page.goto(f"{live_server.url}/ledger/")
    assert "script-src 'self'" in response.headers["content-security-policy"]  # the policy is there to violate
    expect(page.locator("h1").first).to_be_visible()
    page.goto(f"{live_server.url}/approvals/stats/")
    expect(page.locator("#turnaround-chart svg").first).to_be_visible()
    # the body form: choosing another region reloads the form for it (was onchange=)
    page.goto(f"{live_server.url}/ledger/bodies/new/")
    page.locator("#region-pick").select_option(label="青州市（370781）")
    expect(page).to_have_url(f"{live_server.url}/ledger/bodies/new/?region={city.county.pk}")
    assert problems == []


def test_no_csp_violation_on_the_approval_form_and_loading_a_body_works(browser, live_server, city):
    body = establish(city.city, name="市防汛抗旱指挥部", lead=city.fgw)
    page, problems = watched(browser, live_server, "fagaiwei")
    page.goto(f"{live_server.url}/approvals/new/?kind=establish")
    expect(page.get_by_label("机构名称")).to_be_visible()
    page.goto(f"{live_server.url}/approvals/new/?kind=adjust")
    page.locator("#id_body").select_option(str(body.pk))
    page.get_by_role("link", name="载入该机构现状").click()  # was an inline onclick=
    expect(page).to_have_url(f"{live_server.url}/approvals/new/?kind=adjust&body={body.pk}")
    expect(page.get_by_label("机构名称")).to_have_value("市防汛抗旱指挥部")
    page.goto(f"{live_server.url}/account/password/")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    assert problems == []


def test_an_inline_script_would_be_reported(browser, live_server, city):
    """The listener above hears violations: an injected inline script is refused and reported."""
    page, problems = watched(browser, live_server, "bianban")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None
    assert any("Content Security Policy" in p for p in problems)
