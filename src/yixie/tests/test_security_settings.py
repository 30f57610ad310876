"""Transport, headers and the secret key (等保2.0 三级, docs/decisions/0020): the production settings pass
`check --deploy`; the public trial key is refused in production mode; every page carries the
Content-Security-Policy; no template has an inline script or event handler; logged-in pages and downloads
are never cached."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from yixie.core.sessions import NoStoreMiddleware

SRC = Path(__file__).resolve().parents[1]
TRIAL_KEY = "insecure-trial-key-change-me-in-production-0123456789"


def run_manage(tmp_path, *args, **env):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("YIXIE_", "DJANGO_")) and k != "DATABASE_URL"}
    base.update({"DJANGO_SETTINGS_MODULE": "yixie.settings", "YIXIE_VAR_DIR": str(tmp_path)})
    base.update(env)
    return subprocess.run([sys.executable, "-m", "yixie.manage", *args], env=base, capture_output=True,
                          text=True, timeout=120)


def production_env(**over):
    env = {"YIXIE_DEBUG": "0", "YIXIE_HTTPS": "1", "YIXIE_SECRET_KEY": secrets.token_urlsafe(50),
           "YIXIE_ALLOWED_HOSTS": "yixie.example.gov.cn"}
    env.update(over)
    return env


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    done = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env())
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "WARNINGS" not in out and "security.W" not in out, out
    assert "System check identified no issues" in out


def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    done = run_manage(tmp_path, "check", "--deploy", **production_env(YIXIE_HTTPS="0"))
    out = done.stdout + done.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in out, out


def test_each_transport_setting_alone(tmp_path):
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)")
    done = run_manage(tmp_path, "shell", "-v", "0", "-c", code, **production_env(
        YIXIE_HTTPS="0", YIXIE_SECURE_COOKIES="1", YIXIE_HSTS_SECONDS="600", YIXIE_PROXY_SSL_HEADER="1"))
    assert done.stdout.split() == ["True", "True", "False", "600", "('HTTP_X_FORWARDED_PROTO',", "'https')"], \
        done.stdout + done.stderr


def test_the_trial_key_is_refused_in_production_mode(tmp_path):
    done = run_manage(tmp_path, "check", **production_env(YIXIE_SECRET_KEY=TRIAL_KEY))
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "试用密钥" in done.stderr and "trial key" in done.stderr
    # so is the placeholder of deploy/yixie.env.example
    done = run_manage(tmp_path, "check", **production_env(YIXIE_SECRET_KEY="CHANGE-ME-to-50-random-characters"))
    assert done.returncode != 0 and "试用密钥" in done.stderr


def test_the_trial_key_still_works_when_debugging(tmp_path):
    done = run_manage(tmp_path, "check", YIXIE_DEBUG="1", YIXIE_SECRET_KEY=TRIAL_KEY)
    assert done.returncode == 0, done.stderr


def test_without_a_key_each_installation_makes_its_own(tmp_path):
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    first = run_manage(tmp_path, "shell", "-v", "0", "-c", code)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == key and len(key) >= 50 and key != TRIAL_KEY
    assert path.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert run_manage(tmp_path, "shell", "-v", "0", "-c", code).stdout.strip() == key  # kept, not made anew
    other = tmp_path / "other"
    other.mkdir()
    assert run_manage(other, "shell", "-v", "0", "-c", code).stdout.strip() != key


# ---------------------------------------------------------------- Content-Security-Policy


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client, client_for, city):
    for response in (client.get("/login/"), client_for(city.bianban).get("/ledger/"),
                     client_for(city.bianban).get("/approvals/stats/")):
        assert response.status_code == 200
        d = directives(response)
        assert d["default-src"] == ["'self'"]
        assert d["script-src"] == ["'self'"]
        assert d["style-src"] == ["'self'"]
        assert d["img-src"] == ["'self'", "data:"]
        assert d["frame-ancestors"] == ["'none'"]
        assert d["form-action"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
HX_ON = re.compile(r"\bhx-on", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style", re.IGNORECASE)


def templates():
    found = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts and "tests" not in p.parts)
    assert len(found) > 30
    return found


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, HANDLER, HX_ON, JS_URL, STYLE_ATTR, STYLE_BLOCK],
                         ids=["inline-script", "on-handler", "hx-on", "javascript-url", "style-attr", "style-block"])
def test_no_template_has_inline_script_handlers_or_styles(pattern):
    offenders = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"{#.*?#}", "", text, flags=re.DOTALL)  # template comments are never sent
        text = re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.DOTALL)
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            offenders.append(f"{path.relative_to(SRC)}:{line}: {text[m.start():m.start() + 60]!r}")
    assert offenders == []


def test_the_scanner_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert HANDLER.search('<select onchange="this.form.submit()">')
    assert not HANDLER.search('<a data-confirm="x">')
    assert HX_ON.search('<div hx-on:click="x">')


# ---------------------------------------------------------------- no caching


@pytest.mark.django_db
def test_logged_in_pages_are_not_cached(client, client_for, city):
    anonymous = client.get("/healthz/")
    assert anonymous.status_code == 200 and "no-store" not in anonymous.get("Cache-Control", "")
    page = client_for(city.bianban).get("/ledger/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    assert page["Pragma"] == "no-cache"


@pytest.mark.django_db
def test_static_files_keep_their_caching(client_for, city):
    response = client_for(city.bianban).get("/static/yixie/yixie.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_downloads_are_not_cached_even_without_a_login(tmp_path):
    from django.contrib.auth.models import AnonymousUser

    f = tmp_path / "a.txt"
    f.write_text("x")
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    response = NoStoreMiddleware(lambda r: FileResponse(open(f, "rb"), as_attachment=True))(request)
    response.close()
    assert response["Cache-Control"] == "no-store, private"
    excel = HttpResponse(b"x")
    excel["Content-Disposition"] = 'attachment; filename="a.xlsx"'
    assert NoStoreMiddleware(lambda r: excel)(request)["Cache-Control"] == "no-store, private"
    assert "Cache-Control" not in NoStoreMiddleware(lambda r: HttpResponse("ok"))(request)
