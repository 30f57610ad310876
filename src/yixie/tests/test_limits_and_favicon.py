"""A request too large gets a Chinese page (413), not Django's bare 400; every page links the site's icon."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_form_too_large_gets_a_chinese_413_page_and_nothing_is_written(client_for, city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    c = client_for(city.bianban)
    r = c.post(reverse("ledger:body_create"), {"name": "市测试工作领导小组", "duties": "职" * 2000})
    assert r.status_code == 413
    text = r.content.decode()
    assert "提交的内容过大" in text and "未保存" in text
    from yixie.ledger.models import Body

    assert not Body.objects.filter(name="市测试工作领导小组").exists()


def test_too_many_fields_get_a_chinese_page(client_for, city, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    c = client_for(city.bianban)
    r = c.post(reverse("ledger:body_create"), {f"f{i}": "x" for i in range(20)})
    assert r.status_code == 400 and "提交的项目过多" in r.content.decode()


def test_every_page_links_the_favicon_and_it_exists(client):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/yixie/favicon.svg">' in html
    path = finders.find("yixie/favicon.svg")
    assert path
    svg = open(path, encoding="utf-8").read()
    assert svg.startswith("<svg") and "议" in svg
