"""Screenshots of the main pages as each role sees them (for review): python scripts/screenshots.py URL OUTDIR."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]

PAGES = {
    "bianban": [("home", "/"), ("ledger", "/ledger/"), ("ledger_asof_2019", "/ledger/?on=2019-01-01&category=government"),
                ("ledger_expiring", "/ledger/?expiring=90"), ("ledger_dept", "/ledger/?dept=发展和改革"),
                ("ledger_dept_unknown", "/ledger/?dept=市不存在局"), ("documents", "/ledger/documents/"),
                ("departments", "/org/departments/"), ("posts", "/org/posts/"), ("create", "/ledger/bodies/new/"),
                ("import", "/ledger/import/"), ("approvals_todo", "/approvals/todo/"),
                ("approvals_list", "/approvals/"), ("approval_in_review", "/approvals/2/"),
                ("approvals_stats", "/approvals/stats/")],
    "liangban": [("liangban_todo", "/approvals/todo/"), ("approval_submitted", "/approvals/1/")],
    "fagaiwei": [("clerk_ledger", "/ledger/"), ("clerk_returned", "/approvals/3/"),
                 ("clerk_new", "/approvals/new/?kind=establish")],
}


def main(base: str, out: Path, password: str = "yixie-demo-2026") -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for user, pages in PAGES.items():
            ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page = ctx.new_page()
            page.goto(base + "/login/")
            page.screenshot(path=str(out / "login.png"))
            page.fill("#id_username", user)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            for name, path in pages:
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            if user == "bianban":
                page.goto(base + "/ledger/?q=安全生产")
                page.click("#ledger-table a >> nth=0")
                page.screenshot(path=str(out / "detail.png"), full_page=True)
                href = page.url
                page.goto(href.rstrip("/") + "/events/new/")
                page.screenshot(path=str(out / "event_form.png"), full_page=True)
            ctx.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
