"""Total-number control (总量控制, docs/decisions/0023): caps per region and category as policy values with
their source, counted against the bodies in force; the ratio to the region's 党政机构限额; 撤一建一."""

from datetime import date

import pytest

from yixie.ledger import services
from yixie.ledger.choices import BodyCategory, EventKind, Severity
from yixie.ledger.models import PolicyValue
from yixie.ledger.policy import (
    NATIONAL_DEFAULTS,
    POLICY_LABELS,
    Policy,
    check_quota_for_setup,
    quota_status,
    values_for_regions,
)
from yixie.testing.factories import establish

pytestmark = pytest.mark.django_db

ON = date(2024, 6, 1)


def cap(region, key, value, severity=Severity.WARNING, source="市编委确定的限额"):
    PolicyValue.objects.update_or_create(region=region, key=key,
                                         defaults={"value": value, "severity": severity, "source": source})


def bodies(city, n, category=BodyCategory.PARTY, region=None, prefix="市测试", on=date(2020, 1, 1)):
    region = region or city.city
    lead = city.fgw if region == city.city else city.qz_fgj
    return [establish(region, name=f"{prefix}{category}{i}号领导小组", lead=lead, category=category, on=on)
            for i in range(n)]


def test_quota_keys_are_policy_values_with_labels_and_sources():
    for key in ("quota.counted_bodies", "quota.party", "quota.government", "quota.institutions",
                "quota.one_out_one_in"):
        assert NATIONAL_DEFAULTS[key]["source"] and POLICY_LABELS[key]
    assert NATIONAL_DEFAULTS["quota.party"]["value"] is None  # no cap unless a region sets one
    assert NATIONAL_DEFAULTS["quota.one_out_one_in"]["value"] is False


def test_quota_status_counts_counted_bodies_in_force_of_the_region_itself(city):
    bodies(city, 3, BodyCategory.PARTY)
    gov = bodies(city, 2, BodyCategory.GOVERNMENT)
    bodies(city, 2, BodyCategory.JOINT_MEETING)  # recorded, not counted
    bodies(city, 1, BodyCategory.PARTY, region=city.county, prefix="青州")  # a county's: its own count
    bodies(city, 1, BodyCategory.GOVERNMENT, on=date(2025, 1, 1), prefix="后设")  # not yet in force on ON
    services.event_record(actor=None, body=gov[0], kind=EventKind.ABOLISH, on=date(2023, 1, 1), document=None,
                          changes={})
    cap(city.city, "quota.party", 3)
    cap(city.city, "quota.government", 4, source="市编委〔2019〕1号")
    cap(city.city, "quota.institutions", 2)

    status = quota_status(city.city, ON)
    party, government, total = status.lines
    assert (party.count, party.cap, party.room, party.at, party.over) == (3, 3, 0, True, False)
    assert (government.count, government.cap, government.room, government.source) == (1, 4, 3, "市编委〔2019〕1号")
    assert (total.count, total.cap, total.room) == (4, None, None)
    assert status.counted == 4 and status.ratio == 2.0
    assert status.ratio_text == "议事协调机构数是党政机构限额的2.0倍"
    assert quota_status(city.county, ON).counted == 1
    assert quota_status(city.city, date(2025, 6, 1)).line("government").count == 2


def test_ratio_is_shown_to_one_decimal_and_absent_without_an_institution_cap(city):
    bodies(city, 7, BodyCategory.GOVERNMENT)
    assert quota_status(city.city, ON).ratio_text == ""
    cap(city.city, "quota.institutions", 3)
    assert quota_status(city.city, ON).ratio_text == "议事协调机构数是党政机构限额的2.3倍"


def test_a_county_inherits_its_citys_cap_unless_it_overrides(city):
    """Policy.for_region walks region → parent → … → national."""
    cap(city.city, "quota.party", 40)
    cap(city.city, "quota.one_out_one_in", True, Severity.ERROR)
    assert Policy.for_region(city.county)["quota.party"].value == 40
    assert Policy.for_region(city.township)["quota.party"].value == 40  # two levels down
    assert quota_status(city.county, ON).line("party").cap == 40
    assert values_for_regions("quota.party", [city.county.pk])[city.county.pk].value == 40
    cap(city.county, "quota.party", 12, source="青州市编委确定")
    assert Policy.for_region(city.county)["quota.party"].value == 12
    assert quota_status(city.county, ON).line("party").source == "青州市编委确定"
    assert Policy.for_region(city.county2)["quota.party"].value == 40  # its sibling still the city's
    assert Policy.for_region(city.county)["quota.one_out_one_in"].value is True
    assert Policy.for_region(city.county)["quota.government"].value is None  # national: none


def test_setup_at_the_category_cap_is_found_with_cap_source_and_count(city):
    bodies(city, 2, BodyCategory.PARTY)
    cap(city.city, "quota.party", 2, source="潍编〔2019〕5号")
    [finding] = check_quota_for_setup(city.city, BodyCategory.PARTY, ON)
    assert finding.rule == "quota.party" and finding.severity == Severity.WARNING and not finding.is_error
    assert finding.message == ("潍坊市党委议事协调机构已有2个，限额2个（来源：潍编〔2019〕5号）：再设立将超出限额。")
    assert finding.source == "潍编〔2019〕5号"
    assert check_quota_for_setup(city.city, BodyCategory.GOVERNMENT, ON) == []  # another category's room
    assert check_quota_for_setup(city.city, BodyCategory.JOINT_MEETING, ON) == []  # never counted
    cap(city.city, "quota.party", 3)
    assert check_quota_for_setup(city.city, BodyCategory.PARTY, ON) == []  # room for one more


def test_setup_over_the_total_cap_and_the_severity_decides(city):
    bodies(city, 1, BodyCategory.PARTY)
    bodies(city, 1, BodyCategory.GOVERNMENT)
    cap(city.city, "quota.counted_bodies", 2, Severity.ERROR)
    [finding] = check_quota_for_setup(city.city, BodyCategory.GOVERNMENT, ON)
    assert finding.rule == "quota.counted_bodies" and finding.is_error
    assert "议事协调机构合计（党委、政府）已有2个，限额2个" in finding.message


def test_replaced_bodies_make_room_only_in_their_own_category(city):
    party = bodies(city, 2, BodyCategory.PARTY)
    gov = bodies(city, 1, BodyCategory.GOVERNMENT)
    joint = bodies(city, 1, BodyCategory.JOINT_MEETING)
    cap(city.city, "quota.party", 2)
    cap(city.city, "quota.counted_bodies", 3)
    assert {f.rule for f in check_quota_for_setup(city.city, "party", ON)} == {"quota.party", "quota.counted_bodies"}
    assert check_quota_for_setup(city.city, "party", ON, replaces_body_ids=[party[0].pk]) == []
    # A government body replaced frees the total but not the Party cap; a joint meeting frees nothing.
    assert [f.rule for f in check_quota_for_setup(city.city, "party", ON, [gov[0].pk])] == ["quota.party"]
    assert len(check_quota_for_setup(city.city, "party", ON, [joint[0].pk])) == 2
    cap(city.city, "quota.party", 0)
    [still] = check_quota_for_setup(city.city, "party", ON, [party[0].pk])
    assert "即使撤销所替代的1个，设立后仍为2个，将超出限额" in still.message


def test_one_out_one_in_requires_a_replaced_counted_body(city):
    party = bodies(city, 1, BodyCategory.PARTY)
    joint = bodies(city, 1, BodyCategory.JOINT_MEETING)
    county_body = bodies(city, 1, BodyCategory.PARTY, region=city.county, prefix="青州")
    assert check_quota_for_setup(city.city, "party", ON) == []  # off by default
    cap(city.city, "quota.one_out_one_in", True, Severity.ERROR, "市编委：撤一建一")
    [finding] = check_quota_for_setup(city.city, "party", ON)
    assert finding.rule == "quota.one_out_one_in" and finding.is_error and "撤一建一" in finding.message
    assert check_quota_for_setup(city.city, "party", ON, [party[0].pk]) == []
    for other in (joint[0], county_body[0]):  # not counted, or not of the region: no room made
        [f] = check_quota_for_setup(city.city, "party", ON, [other.pk])
        assert "所列被替代的机构均不是本级存续的议事协调机构" in f.message
    assert check_quota_for_setup(city.city, "party", ON, new_body=False) == []
    assert check_quota_for_setup(city.city, "joint", ON) == []


# ---------------------------------------------------------------- the rules page shows the caps with their counts

def test_rules_page_shows_the_quota_table_with_count_cap_source_room_and_ratio(city, client_for):
    bodies(city, 3, BodyCategory.PARTY, on=date(2020, 1, 1))
    bodies(city, 2, BodyCategory.GOVERNMENT, on=date(2020, 1, 1))
    cap(city.city, "quota.party", 3, source="潍编〔2019〕5号")
    cap(city.city, "quota.government", 1, Severity.ERROR)
    cap(city.city, "quota.institutions", 2, source="市级党政机构限额")
    page = client_for(city.bianban).get("/ledger/rules/").content.decode()
    assert "总量控制" in page and 'id="quota-table"' in page
    table = page[page.index('id="quota-table"'):page.index("</table>", page.index('id="quota-table"'))]
    for text in ("党委议事协调机构", "政府议事协调机构", "议事协调机构合计（党委、政府）", "潍编〔2019〕5号",
                 "超出1个", "未设"):
        assert text in table, text
    assert "议事协调机构数是党政机构限额的2.5倍" in page and "市级党政机构限额" in page
    assert "撤一建一：未实行" in page
    # A county's 编办 sees its own counts under the city's caps.
    county_page = client_for(city.qz_bianban).get("/ledger/rules/").content.decode()
    assert "青州市本级存续" in county_page and "潍编〔2019〕5号" in county_page
