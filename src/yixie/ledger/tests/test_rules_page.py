"""管理规则: business rule values are 编办's (docs/decisions/0021): 编办 sets its region's values with a
cited clause and a reason, audited; nobody else, and no region outside its own."""

import pytest

from yixie.core.models import AuditEntry
from yixie.ledger.models import Article, PolicyValue
from yixie.ledger.policy import Policy

pytestmark = pytest.mark.django_db

URL = "/ledger/rules/"


def art(cite="dfyx-2025#第八条") -> int:
    """The id of a national article (the library of migration 0013)."""
    code, number = cite.split("#")
    return Article.objects.get(version__regulation__code=code, number=number, version__superseded_on=None).pk


def test_establishment_sets_a_cap_for_its_region_with_a_basis_and_reason(city, client_for):
    c = client_for(city.bianban)
    page = c.get(URL).content.decode()
    assert "单项工作成员单位上限" in page and "潍坊市现行取值" in page
    edit = f"{URL}{city.city.pk}/members.cap_single/"
    r = c.post(edit, {"value": "12", "severity": "warning", "article": art(), "note": "市编委会议决定",
                      "reason": "市编委会议决定"})
    assert r.status_code == 302
    assert Policy.for_region(city.county)["members.cap_single"].value == 12  # the county inherits
    entry = AuditEntry.objects.get(action="调整管理规则")
    assert entry.actor == city.bianban and entry.reason == "市编委会议决定" and entry.after["value"] == 12


@pytest.mark.parametrize("data, message", [
    ({"value": "十二", "severity": "warning", "article": "ART", "reason": "y"}, "取值应为数字"),
    ({"value": "-1", "severity": "warning", "article": "ART", "reason": "y"}, "不能为负数"),
    ({"value": "12", "severity": "warning", "article": "", "reason": "y"}, "请选择该取值依据的制度条款。"),
    ({"value": "12", "severity": "warning", "article": "ART", "reason": ""}, "请填写调整理由"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(city, client_for, data, message):
    data = {**data, "article": art() if data["article"] == "ART" else data["article"]}
    r = client_for(city.bianban).post(f"{URL}{city.city.pk}/members.cap_single/", data)
    assert r.status_code == 200 and message in r.content.decode()
    assert not PolicyValue.objects.filter(region=city.city).exists()


def test_every_error_of_the_form_is_shown_at_once(city, client_for):
    r = client_for(city.bianban).post(f"{URL}{city.city.pk}/members.cap_single/",
                                      {"value": "十二", "severity": "warning", "article": art(), "reason": ""})
    page = r.content.decode()
    assert "取值应为数字" in page and "请填写调整理由" in page


def test_yes_no_rules_and_empty_quota(city, client_for):
    c = client_for(city.bianban)
    c.post(f"{URL}{city.city.pk}/townships.may_hold_bodies/", {"value": "是", "severity": "error",
                                                               "article": art("dfyx-2025#第五条"), "reason": "y"})
    assert Policy.for_region(city.city)["townships.may_hold_bodies"].value is True
    c.post(f"{URL}{city.city.pk}/quota.counted_bodies/", {"value": "", "severity": "warning",
                                                          "article": art("dfyx-2025#第六条"), "reason": "y"})
    assert PolicyValue.objects.get(region=city.city, key="quota.counted_bodies").value is None


def test_others_cannot_and_a_county_cannot_touch_the_city(city, client_for):
    for user in (city.clerk, city.liangban, city.leader):
        assert client_for(user).get(URL).status_code == 403
    c = client_for(city.qz_bianban)
    assert c.get(f"{URL}{city.city.pk}/members.cap_single/").status_code == 404
    assert c.get(f"{URL}?region={city.city.pk}").status_code == 404
    assert c.get(f"{URL}{city.county.pk}/no.such.rule/").status_code == 404
    assert c.get(f"{URL}{city.county.pk}/members.cap_single/").status_code == 200
