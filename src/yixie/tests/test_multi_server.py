"""Two real app servers over one PostgreSQL: what one writes, the other reads (docs/decisions/0006).

Two gunicorn processes on two loopback ports run the production settings against the test database,
each with its own var folder but one shared MEDIA_ROOT and one SECRET_KEY, as behind a load
balancer. A 编办 clerk logs in on A through the real login form; B is then given only A's session
cookie and must know the clerk (sessions live in the database), show the document registered on A
(no per-process state) and serve the attachment uploaded on A (shared storage). Logging out on A
logs the clerk out on B too.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from yixie.core.roles import Role
from yixie.ledger.models import Document, DocumentFile
from yixie.testing.factories import make_region, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs a database server that two app server processes share (PostgreSQL)"),
]

PASSWORD = "multi-server-2026"
START_TIMEOUT = 60  # seconds for a server to answer
REQUEST_TIMEOUT = 30  # seconds for one request
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + secrets.token_bytes(64)


# ---------------------------------------------------------------------------------------------- servers

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    """The test database (pytest-django renamed NAME), as a URL for the server processes."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = quote(db.get("HOST") or "127.0.0.1", safe="")  # a socket folder is percent-encoded
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


class Server:
    """One gunicorn process with the production settings, on a loopback port of its own."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str]):
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        var = workdir / f"var-{name}"
        (var / "static").mkdir(parents=True)  # WhiteNoise's STATIC_ROOT (served from the finders here)
        self.log_path = workdir / f"server-{name}.log"
        self.env = {**env, "YIXIE_VAR_DIR": str(var)}
        self.cwd = var
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "yixie.wsgi:application", "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", str(REQUEST_TIMEOUT), "--log-level", "warning"],
            cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server {self.name} exited ({self.process.returncode}):\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                status = Browser(self.base).get("/login/").status
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server {self.name} did not answer within {START_TIMEOUT}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if getattr(self, "log", None) is not None:
            self.log.close()

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


# ---------------------------------------------------------------------------------------------- a browser

class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


class Browser:
    """A cookie-keeping HTTP client (stdlib only) that does not follow redirects, so each step is seen."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None):
        self.base = base
        split = urlsplit(base)
        self.host, self.port = split.hostname, split.port
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            h = {"Host": f"{self.host}:{self.port}", **(headers or {})}
            if self.cookies:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            for header in r.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            return Response(r.status, r.headers, data)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.text[:500])
        found = CSRF_FIELD.search(page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None,
             *, token_from: str | None = None) -> Response:
        fields = {"csrfmiddlewaretoken": self.csrf_token(token_from or path), **fields}
        headers = {"Referer": self.base + (token_from or path)}
        if files:
            boundary = uuid.uuid4().hex
            parts: list[bytes] = []
            for k, v in fields.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
            for k, (filename, content, ctype) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                             f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode() + content + b"\r\n")
            parts.append(f"--{boundary}--\r\n".encode())
            body = b"".join(parts)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers)

    def login(self, username: str, password: str) -> None:
        r = self.post("/login/", {"username": username, "password": password, "next": ""})
        assert r.status == 302 and r.location == "/", (r.status, r.text[:1000])
        assert "sessionid" in self.cookies


# ---------------------------------------------------------------------------------------------- the test

def test_write_through_one_server_is_read_through_the_other(tmp_path):
    city = make_region()
    clerk = make_user("multi_bianban", Role.ESTABLISHMENT, region=city)
    # The servers run the production password hashers (the suite's settings hash with MD5); few
    # iterations keep the login fast, and Django upgrades the hash on that login as it would any old one.
    clerk.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    clerk.save(update_fields=["password"])

    media = tmp_path / "shared-media"  # one folder for both, as an NFS mount would be
    media.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIXIE_", "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "yixie.settings",  # production settings, not the suite's
        "DATABASE_URL": _database_url(),
        "YIXIE_MEDIA_ROOT": str(media),
        "YIXIE_SECRET_KEY": secrets.token_urlsafe(50),  # identical on every server
        "YIXIE_ALLOWED_HOSTS": "127.0.0.1",
        "YIXIE_CONN_MAX_AGE": "0",  # no connection outlives a request: the suite may flush the tables after
        "YIXIE_MANIFEST_STATIC": "0", "YIXIE_STATIC_FINDERS": "1",  # no collectstatic needed for the test
        "YIXIE_LOG_LEVEL": "WARNING",
        "YIXIE_2FA_REQUIRED": "0",  # two-factor login has its own tests; these servers test what they share
    })
    a, b = Server("a", tmp_path, env), Server("b", tmp_path, env)
    try:
        a.start()
        b.start()
        a.wait_ready()
        b.wait_ready()

        # Log in on A through the real form (CSRF token and all).
        on_a = Browser(a.base)
        on_a.login("multi_bianban", PASSWORD)

        # Register a document through A's 登记文件 form.
        number = "潍编〔2026〕17号"
        title = f"关于多服务器部署验证的通知 {uuid.uuid4().hex[:8]}"
        r = on_a.post("/ledger/documents/new/", {
            "region": str(city.pk), "number": number, "issuer": "中共潍坊市委机构编制委员会办公室",
            "issued_on": "2026-03-02", "title": title, "note": "",
        })
        assert r.status == 302, r.text[:2000]
        doc = Document.objects.get(number=number)
        assert r.location == f"/ledger/documents/{doc.pk}/"

        # B has never seen this browser: it gets only A's session cookie, and knows the clerk.
        on_b = Browser(b.base, cookies={"sessionid": on_a.cookies["sessionid"]})
        page = on_b.get(f"/ledger/documents/{doc.pk}/")
        assert page.status == 200, (page.status, page.location)
        assert number in page.text and title in page.text
        listing = on_b.get("/ledger/documents/?" + urlencode({"q": "17号"}))
        assert listing.status == 200 and title in listing.text

        # Upload an attachment through A; B lists it and serves the same bytes (shared MEDIA_ROOT).
        r = on_a.post(f"/ledger/documents/{doc.pk}/upload/", {}, files={"file": ("通知.pdf", PDF, "application/pdf")},
                      token_from=f"/ledger/documents/{doc.pk}/")
        assert r.status == 302, r.text[:2000]
        attachment = DocumentFile.objects.get(document=doc)
        assert (media / attachment.file.name).read_bytes() == PDF  # written by A into the shared folder
        page = on_b.get(f"/ledger/documents/{doc.pk}/")
        link = f"/ledger/documents/{doc.pk}/files/{attachment.pk}/"
        assert link in page.text
        download = on_b.get(link)
        assert download.status == 200, (download.status, download.text[:500])
        assert download.body == PDF
        assert download.headers["Content-Type"] == "application/pdf"

        # Logging out on A ends the session on B as well.
        r = on_a.post("/logout/", {}, token_from=f"/ledger/documents/{doc.pk}/")
        assert r.status == 302
        after = on_b.get(f"/ledger/documents/{doc.pk}/")
        assert after.status == 302 and after.location == "/login/"
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- server a ---\n{a.output()}\n--- server b ---\n{b.output()}") from exc
    finally:
        a.stop()
        b.stop()
