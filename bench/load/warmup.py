"""Warms every gunicorn worker before the measured run (stdlib only).

    python bench/load/warmup.py http://127.0.0.1:PORT WORKERS

A worker's first overlap check loads jieba (≈0.8 s) and builds the region's overlap index (≈1 s on the
demo city): paid once per process, then revalidated cheaply. Sync workers take one request at a time,
so WORKERS requests in flight at once land on WORKERS different workers; two rounds of that warm them
all. Without this the first seconds of the run measure start-up, not steady state (LOAD_WARMUP=0 in
run.sh measures them anyway).
"""

from __future__ import annotations

import re
import sys
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

USER, PASSWORD = "bianban", "yixie-demo-2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
APP_LINK = re.compile(r'href="/approvals/(\d+)/"')


def main(base: str, workers: int) -> int:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login/", timeout=30).read().decode()
    token = CSRF.search(page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USER, "password": PASSWORD}).encode()
    opener.open(urllib.request.Request(base + "/login/", data=data, headers={"Referer": base + "/login/"}),
                timeout=30).read()
    todo = opener.open(base + "/approvals/todo/", timeout=30)
    if todo.geturl().rstrip("/").endswith("/login"):
        print("warm-up: login failed", file=sys.stderr)
        return 1
    apps = sorted(set(APP_LINK.findall(todo.read().decode()))) or ["1"]
    paths = [f"/approvals/{a}/" for a in apps] + ["/ledger/?q=安全"]
    errors: list[str] = []

    def hit() -> None:
        for path in paths:
            try:
                opener.open(base + urllib.parse.quote(path, safe="/?=&"), timeout=60).read()
            except Exception as exc:  # reported below
                errors.append(f"{path}: {exc}")

    for _round in range(2):
        threads = [threading.Thread(target=hit) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    if errors:
        print("warm-up errors: " + "; ".join(errors[:5]), file=sys.stderr)
        return 1
    print(f"warm-up: {workers} workers × {len(paths)} pages × 2 rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/"), int(sys.argv[2])))
