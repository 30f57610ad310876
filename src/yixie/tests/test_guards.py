"""Guards every request passes (yixie.core.guards)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["q=%00", "q=abc%00def", "department=%01", "%00=1"])
def test_a_control_character_in_a_url_parameter_gets_a_chinese_400(client_for, city, query):
    c = client_for(city.bianban)
    r = c.get(f"{reverse('ledger:body_list')}?{query}")
    assert r.status_code == 400
    assert "控制字符" in r.content.decode()
