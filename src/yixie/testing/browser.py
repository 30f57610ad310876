"""What the journeys' browser tests share: the demo city loaded, a logged-in page per demo user, and a
screenshot of each page on the way when YIXIE_SHOTS names a folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

DEMO_PASSWORD = "yixie-demo-2026"  # demo/loader.py (the product and its tests never import the demo)


@pytest.fixture
def demo(settings, tmp_path):
    """The demo city, loaded through the product's services (≈ 60 s on SQLite)."""
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0)


def shot(page, name: str) -> None:
    folder = os.environ.get("YIXIE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def as_user(browser, live_server, username: str):
    """A new browser context logged in as a demo user, answering the data-confirm questions with yes."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.on("dialog", lambda d: d.accept())
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("议事协调机构概况")).to_be_visible()
    return page
