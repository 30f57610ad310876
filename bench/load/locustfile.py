"""Load mix for 议协: clerks working the ledger and reviewers working their to-do lists.

Run through `bench/load/run.sh` (it starts gunicorn on loopback, loads the data and reads the
results). Every simulated user logs in through the real login form (GET the page, POST the form with
its CSRF token), then repeats its tasks with a short think time. A response counts as an error when
its status is not 200, when it lands on the login page (a lost session), or when it lacks what the
page must show (a ledger row, an Excel file, the overlap evidence). Only loopback hosts are driven.

Environment (all optional):
    YIXIE_LOAD_PASSWORD    demo password (yixie-demo-2026)
    YIXIE_LOAD_CLERKS      logins for clerk traffic (fagaiwei,bianban,qingzhou)
    YIXIE_LOAD_REVIEWERS   logins for reviewer traffic (bianban,liangban)
    YIXIE_LOAD_WAIT        think time range in seconds, "min,max" (0.1,0.5)
"""

from __future__ import annotations

import os
import random
import re
from itertools import count
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("YIXIE_LOAD_PASSWORD", "yixie-demo-2026")
CLERKS = [u for u in os.environ.get("YIXIE_LOAD_CLERKS", "fagaiwei,bianban,qingzhou").split(",") if u]
REVIEWERS = [u for u in os.environ.get("YIXIE_LOAD_REVIEWERS", "bianban,liangban").split(",") if u]
_WAIT = [float(x) for x in os.environ.get("YIXIE_LOAD_WAIT", "0.1,0.5").split(",")]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Words clerks search for (names, short names and duties of the demo city's bodies).
SEARCHES = ["安全", "领导小组", "发展", "食品", "乡村振兴", "应急", "生态", "联席会议", "招商", "专班", "教育", "工作"]
CATEGORIES = ["", "party", "government", "joint", "taskforce"]
# What a clerk types into 涉及部门 (the page suggests full names as one types).
DEPARTMENT_WORDS = ["发展和改革", "应急", "农业农村", "财政", "商务", "教育", "生态环境", "公安"]
PAST_DATES = ["2019-06-30", "2020-01-01", "2021-07-01", "2022-12-31", "2024-03-15"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BODY_LINK = re.compile(r'href="/ledger/bodies/(\d+)/"')
APP_LINK = re.compile(r'href="/approvals/(\d+)/"')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_next = count()


def _options(page: str, select: str) -> list[str]:
    """Non-empty option values of one <select> on a page (the regions the user may pick)."""
    m = re.search(rf'<select name="{select}".*?</select>', page, re.S)
    return [v for v in re.findall(r'<option value="([^"]*)"', m.group(0)) if v] if m else []


@events.test_start.add_listener
def _loopback_only(environment, **_kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {environment.host!r}: this load test only drives 127.0.0.1")


class _YixieUser(FastHttpUser):
    abstract = True
    wait_time = between(*_WAIT)
    logins: list[str] = []

    def on_start(self) -> None:
        self.username = self.logins[next(_next) % len(self.logins)]
        self.login()

    def login(self) -> None:
        page = self.page("/login/", "login page")
        token = CSRF.search(page.text or "")
        if page.status_code != 200 or not token:
            raise StopUser()
        with self.client.post("/login/", name="login POST", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1), "username": self.username,
                                    "password": PASSWORD, "next": ""},
                              headers={"Referer": self.host + "/login/"}) as r:
            # Django answers a good login with a redirect home, a bad one with the form again (200).
            if r.status_code != 302 or urlsplit(r.headers.get("Location", "")).path != "/":
                r.failure(f"login as {self.username} failed (HTTP {r.status_code})")
                raise StopUser()
            r.success()

    def page(self, url: str, name: str, must_contain: str | None = None):
        """GET a page; an error unless it is a 200 (a redirect to the login page is a lost session)."""
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code in (301, 302) and "/login/" in r.headers.get("Location", ""):
                r.failure("session lost: redirected to the login page")
            elif r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif must_contain is not None and must_contain not in r.text:
                r.failure(f"page lacks {must_contain!r}")
            else:
                r.success()
            return r


class Clerk(_YixieUser):
    """编办 and department clerks: the ledger with filters and search, a body, a past date, an export."""

    weight = 3
    logins = CLERKS

    def on_start(self) -> None:
        super().on_start()
        first = self.page("/ledger/", "ledger list")
        text = first.text or ""
        self.bodies = BODY_LINK.findall(text)
        self.regions = _options(text, "region")
        self.departments = []
        for word in random.sample(DEPARTMENT_WORDS, 3):
            offered = self.page("/ledger/departments/suggest/?" + urlencode({"dept": word}),
                                "department suggestions").text or ""
            self.departments += re.findall(r'<option value="([^"]+)"', offered)

    def _filters(self) -> dict[str, str]:
        query: dict[str, str] = {}
        if random.random() < 0.7:
            query["q"] = random.choice(SEARCHES)
        category = random.choice(CATEGORIES)
        if category:
            query["category"] = category
        if self.regions and random.random() < 0.4:
            query["region"] = random.choice(self.regions)
        elif self.departments and random.random() < 0.3:
            query["dept"] = random.choice(self.departments)
        if not query:
            query["q"] = random.choice(SEARCHES)
        return query

    @task(6)
    def ledger_list(self) -> None:
        query = self._filters()
        if random.random() < 0.2:
            query["page"] = "2"
        r = self.page("/ledger/?" + urlencode(query), "ledger list (filter+search)")
        found = BODY_LINK.findall(r.text or "")
        if found:
            self.bodies = found

    @task(4)
    def body_detail(self) -> None:
        if self.bodies:
            self.page(f"/ledger/bodies/{random.choice(self.bodies)}/", "body detail", must_contain="历史沿革")

    @task(2)
    def ledger_as_of(self) -> None:
        query = {"on": random.choice(PAST_DATES)}
        if self.regions:
            query["region"] = random.choice(self.regions)
        self.page("/ledger/?" + urlencode(query), "ledger as of a past date")

    @task(1)
    def body_as_of(self) -> None:
        if self.bodies:
            self.page(f"/ledger/bodies/{random.choice(self.bodies)}/?on={random.choice(PAST_DATES)}",
                      "body detail as of a past date")

    @task(1)
    def export_filtered(self) -> None:
        with self.client.get("/ledger/export/?" + urlencode(self._filters()), name="export filtered list (xlsx)",
                             catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif not r.headers.get("Content-Type", "").startswith(XLSX) or r.content[:2] != b"PK":
                r.failure(f"not an xlsx file: {r.headers.get('Content-Type')}")
            else:
                r.success()


class Reviewer(_YixieUser):
    """编办 and 两办 reviewers: the to-do list, then an application with its overlap evidence."""

    weight = 1
    logins = REVIEWERS

    def on_start(self) -> None:
        super().on_start()
        self.todo_apps: list[str] = []
        self.other_apps = APP_LINK.findall(self.page("/approvals/", "application list").text or "")

    @task(3)
    def todo(self) -> None:
        r = self.page("/approvals/todo/", "to-do list")
        self.todo_apps = sorted(set(APP_LINK.findall(r.text or "")))

    @task(4)
    def application_detail(self) -> None:
        if self.todo_apps:
            # A pending step of this reviewer: the page must show the overlap evidence.
            self.page(f"/approvals/{random.choice(self.todo_apps)}/", "application detail (overlap evidence)",
                      must_contain='id="overlaps"')
        elif self.other_apps:
            self.page(f"/approvals/{random.choice(self.other_apps)}/", "application detail")

    @task(1)
    def application_list(self) -> None:
        r = self.page("/approvals/", "application list")
        self.other_apps = APP_LINK.findall(r.text or "") or self.other_apps

